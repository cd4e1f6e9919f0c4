"""The hubs demo: one hub shared by Leiden, Alphen aan den Rijn and Gouda, near the A4/N11.

Coordinates are approximate. The waste collector of the places demo gets its
vehicles' compartments and a depot at the hub; a disposal site and some
shops' pickup requests for the demo day complete a plannable day. Every object
is looked up by a natural key first, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from organisations.models import Organisation
from places.demo import demo_day
from places.models import Municipality

from .models import (
    GOODS,
    CollectorVehicle,
    Compartment,
    DisposalSite,
    DockDoor,
    Hub,
    HubOpeningHours,
    HubShare,
    PickupRequest,
)

HUB = {"slug": "hub-rijnland-a4-n11", "name": "Hub Rijnland (A4/N11)",
       "street_address": "Zoeterwoude-Rijndijk, bij knooppunt A4/N11",
       "latitude": 52.1405, "longitude": 4.5330}
SHARES = {"leiden": 50, "alphen-aan-den-rijn": 25, "gouda": 25}  # per cent of the doors
DOORS = [("V1", "8"), ("V2", "8"), ("V3", "8"), ("V4", "8"), ("T1", "18"), ("T2", "18")]
COMPARTMENTS = {  # by vehicle category: litres per stream, and goods for the last mile
    "van": {"residual": 2400, "paper_cardboard": 2400, "glass": 600, "organic": 800,
            "plastics_cans": 1200, GOODS: 1500},
    "cargo_bike": {"residual": 240, "paper_cardboard": 480, "plastics_cans": 240, GOODS: 300},
}
DISPOSAL = {"name": "Afvalbrengstation Leiden (Ericssonstraat)", "latitude": 52.1745,
            "longitude": 4.4605}
# (shop name, stream, litres, containers, window)
PICKUPS = [
    ("Boekhandel De Kier", "paper_cardboard", 480, 2, (8, 11)),
    ("Kaashandel Van Rijn", "residual", 240, 1, (8, 11)),
    ("Kaashandel Van Rijn", "paper_cardboard", 240, 1, (8, 11)),
    ("Bakkerij Het Gouden Korenaar", "organic", 240, 1, (7, 10)),
    ("Bakkerij Het Gouden Korenaar", "residual", 240, 1, (7, 10)),
    ("Café De Burcht", "glass", 240, 1, (9, 12)),
    ("Café De Burcht", "residual", 480, 2, (9, 12)),
    ("Bloemenhuis Steenstraat", "organic", 240, 1, (8, 12)),
    ("Wijnkoperij Noordeinde", "glass", 360, 3, (10, 13)),
    ("Apotheek Hooigracht", "plastics_cans", 240, 1, (8, 12)),
]
DEMO_NOTE = "demo"


def load(*, today: dt.date, log=print) -> None:
    with transaction.atomic():
        hub = _hub()
        collectors = _collectors(hub)
        _disposal_site()
        created = _pickups(demo_day(today))
    log(f"Hubs demo: {hub.name} with {hub.doors.count()} dock doors, "
        f"{collectors} collector vehicles, {created} new pickup requests.")


def _hub() -> Hub:
    hub, _ = Hub.objects.get_or_create(
        slug=HUB["slug"],
        defaults={**HUB, "storage_pallet_places": 240, "handling_minutes": 45},
    )
    for slug, percent in SHARES.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality:
            HubShare.objects.get_or_create(hub=hub, municipality=municipality,
                                           defaults={"dock_share_percent": percent})
    for weekday in range(6):
        HubOpeningHours.objects.get_or_create(
            hub=hub, weekday=weekday, defaults={"opens": dt.time(6), "closes": dt.time(20)})
    for code, length in DOORS:
        DockDoor.objects.get_or_create(hub=hub, code=code,
                                       defaults={"max_vehicle_length_m": Decimal(length)})
    return hub


def _collectors(hub: Hub) -> int:
    count = 0
    for collector in Organisation.objects.filter(kind=Organisation.Kind.WASTE_COLLECTOR):
        for vehicle in collector.vehicles.filter(is_active=True):
            profile, _ = CollectorVehicle.objects.get_or_create(
                vehicle=vehicle, defaults={"depot": hub, "shift_start": dt.time(7),
                                           "shift_end": dt.time(15)})
            compartments = COMPARTMENTS.get(vehicle.category, COMPARTMENTS["van"])
            for kind, litres in compartments.items():
                Compartment.objects.get_or_create(vehicle=profile, kind=kind,
                                                  defaults={"capacity_litres": litres})
            count += 1
    return count


def _disposal_site() -> DisposalSite:
    site, _ = DisposalSite.objects.get_or_create(
        name=DISPOSAL["name"],
        defaults={"latitude": DISPOSAL["latitude"], "longitude": DISPOSAL["longitude"],
                  "opens": dt.time(7), "closes": dt.time(17), "service_minutes": 15},
    )
    return site


def _pickups(day: dt.date) -> int:
    created = 0
    for name, stream, litres, containers, (first, last) in PICKUPS:
        shop = Organisation.objects.filter(name=name, kind=Organisation.Kind.SHOP).first()
        if shop is None or shop.latitude is None:
            continue
        _request, made = PickupRequest.objects.get_or_create(
            organisation=shop, day=day, stream=stream, note=DEMO_NOTE,
            defaults={
                "volume_litres": litres, "containers": containers,
                "window_start": dt.time(first), "window_end": dt.time(last),
                "latitude": shop.latitude, "longitude": shop.longitude,
            },
        )
        created += made
    return created


def plan(*, today: dt.date, seconds: int = 2, log=print) -> None:
    """Plan the demo day of every waste collector now, so the run sheets have routes."""
    from .models import PlanningRun
    from .services.planning import planning_run_execute

    day = demo_day(today)
    for collector in Organisation.objects.filter(kind=Organisation.Kind.WASTE_COLLECTOR):
        if PlanningRun.objects.filter(collector=collector, day=day,
                                      status=PlanningRun.Status.APPLIED).exists():
            continue
        # Created directly and run here, not through the task queue: no worker is needed.
        run = PlanningRun.objects.create(collector=collector, day=day,
                                         time_limit_seconds=seconds)
        status = planning_run_execute(run_id=run.pk)
        log(f"Planned {collector.name} for {day}: {status}.")
