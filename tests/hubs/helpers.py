"""A small collector's day: a hub, two bays in a zone, three shops' pickups."""

import datetime as dt
from decimal import Decimal

from hubs.models import PickupRequest
from tests.factories import BayFactory, CollectorVehicleFactory, OrganisationFactory, ZoneFactory


def shop(name, bay):
    return OrganisationFactory(name=name, kind="shop", latitude=bay.latitude,
                               longitude=bay.longitude)


def pickup(organisation, bay, day, stream, litres=240, window=("08:00", "12:00")):
    start, end = (dt.time(*map(int, t.split(":"))) for t in window)
    return PickupRequest.objects.create(
        organisation=organisation, bay=bay, day=day, stream=stream, volume_litres=litres,
        window_start=start, window_end=end, latitude=bay.latitude, longitude=bay.longitude,
    )


def collectors_day(day, *, capacities=None, **vehicle_fields):
    """One zero-emission collector vehicle at a hub; shop A (two streams) and shop B (one)."""
    zone = ZoneFactory(book_ahead_days=30)
    bay_a = BayFactory(zone=zone, latitude=52.1582, longitude=4.4920, kerb_length_m=Decimal(30))
    bay_b = BayFactory(zone=zone, latitude=52.1606, longitude=4.4905, kerb_length_m=Decimal(30))
    cv = CollectorVehicleFactory(capacities=capacities, **vehicle_fields)
    shop_a, shop_b = shop("Kaashandel", bay_a), shop("Boekhandel", bay_b)
    pickups = [
        pickup(shop_a, bay_a, day, "residual"),
        pickup(shop_a, bay_a, day, "paper_cardboard"),
        pickup(shop_b, bay_b, day, "residual"),
    ]
    return cv, (bay_a, bay_b), pickups
