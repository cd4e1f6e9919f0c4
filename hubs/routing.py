"""Adapter between the hubs' rows and the plain routing core (solvers.routing).

`build_problem` loads a collector's day (pickups, last-mile deliveries,
vehicles, depots, disposal sites) into the core's dataclasses, in seconds from
local midnight and metres; `Plan` keeps the ids needed to turn the core's
solution back into rows. Nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from access.services import may_enter_zone
from bookings.selectors import bay_days, to_cm
from places import localtime
from places.models import LoadingBay
from solvers import routing
from solvers.routing.distances import distance_matrix

from .models import (
    GOODS,
    CollectorVehicle,
    DisposalSite,
    Hub,
    LastMileChain,
    PickupRequest,
)
from .road_matrix import fetch_osrm_matrix

SPEED_CATEGORY = {"cargo_bike": "cargo_bike", "light_ev": "electric_van", "van": "van",
                  "truck": "truck"}
PICKUP_BASE_MINUTES = 2
PICKUP_MINUTES_PER_CONTAINER = 1
CANDIDATE_BAYS = 3  # for a pickup without a bay: the nearest few, and the freest of them


@dataclass
class Plan:
    """A routing problem plus what its ids stand for."""

    day: dt.date
    problem: routing.Problem
    pickups: dict[str, PickupRequest] = field(default_factory=dict)
    chains: dict[str, LastMileChain] = field(default_factory=dict)
    bays: dict[str, LoadingBay] = field(default_factory=dict)
    vehicles: dict[str, CollectorVehicle] = field(default_factory=dict)
    hubs: dict[str, Hub] = field(default_factory=dict)
    sites: dict[str, DisposalSite] = field(default_factory=dict)
    service_minutes: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    length_cm: int = 0
    zero_emission: bool = True

    def instant(self, seconds: int) -> dt.datetime:
        """Real seconds after local midnight of the day, as an aware local time."""
        return localtime.later(localtime.day_start(self.day), seconds / 60)

    def round_trips(self) -> dict[tuple[str, str], int]:
        """(depot id, stop id) -> metres from the depot to the stop and back."""
        ids, dist, _ = distance_matrix(self.problem)
        pos = {i: k for k, i in enumerate(ids)}
        return {
            (depot.id, stop.id): dist[pos[depot.id]][pos[stop.id]]
            + dist[pos[stop.id]][pos[depot.id]]
            for depot in self.problem.depots
            for stop in self.problem.stops
        }


def seconds_at(day: dt.date, time: dt.time) -> int:
    return localtime.wall_minute(day, time) * 60


def nearest_bays(latitude: float, longitude: float, count: int = 1) -> list[LoadingBay]:
    bays = LoadingBay.objects.filter(is_active=True).select_related("zone")
    return sorted(
        bays, key=lambda b: routing.haversine_m(latitude, longitude, b.latitude, b.longitude)
    )[:count]


def nearest_bay(latitude: float, longitude: float) -> LoadingBay | None:
    bays = nearest_bays(latitude, longitude)
    return bays[0] if bays else None


def kerb_window(plan: Plan, bay: LoadingBay, first: int, last: int, minutes: int):
    """The longest run of start minutes in [first, last] at which the bay has room now.

    Windows, closures and other bookings are read once before solving; the plan is
    re-checked under lock when it is applied, since the world moves meanwhile.
    """
    bay_day = bay_days([bay], plan.day)[bay.pk]
    starts = [m for m in bay_day.free_starts(minutes, plan.length_cm, plan.zero_emission,
                                             grid=1, earliest=first) if m <= last]
    best, run_start = None, None
    for i, m in enumerate(starts):
        if i == 0 or m != starts[i - 1] + 1:
            run_start = m
        if best is None or m - run_start > best[1] - best[0]:
            best = (run_start, m)
    return best


def pickups_for(collector, day: dt.date):
    """Pickups a collector's run of the day takes: its own and those no collector has yet."""
    return (
        PickupRequest.objects.filter(
            day=day, status__in=[PickupRequest.Status.PENDING, PickupRequest.Status.PLANNED]
        )
        .filter(Q(collector=collector) | Q(collector__isnull=True))
        .select_related("bay__zone", "organisation")
        .order_by("pk")
    )


def chains_for(collector, day: dt.date):
    start = localtime.day_start(day)
    end = localtime.day_start(day + dt.timedelta(days=1))
    return (
        LastMileChain.objects.filter(
            last_mile_operator=collector, status=LastMileChain.Status.BOOKED,
            delivery__start__gte=start, delivery__start__lt=end,
        )
        .select_related("inbound__hub", "delivery__bay__zone", "recipient")
        .order_by("pk")
    )


def build_problem(collector, day: dt.date) -> Plan:
    vehicles = list(
        CollectorVehicle.objects.filter(vehicle__organisation=collector, is_active=True,
                                        vehicle__is_active=True)
        .select_related("vehicle", "depot").prefetch_related("compartments").order_by("pk")
    )
    plan = Plan(day=day, problem=routing.Problem(stops=[], vehicles=[], depots=[]))
    if vehicles:
        # Kerb room is judged for the collector's longest vehicle, zero-emission if any is.
        plan.length_cm = max(to_cm(cv.vehicle.length_m) for cv in vehicles)
        plan.zero_emission = any(cv.vehicle.zero_emission for cv in vehicles)
    for cv in vehicles:
        _add_depot(plan, cv.depot)
    for site in DisposalSite.objects.filter(is_active=True).order_by("pk"):
        _add_site(plan, site)
    for pickup in pickups_for(collector, day):
        _add_pickup(plan, pickup)
    for chain in chains_for(collector, day):
        _add_delivery(plan, chain)
    for cv in vehicles:
        _add_vehicle(plan, cv)
    plan.problem.matrix = _road_matrix(plan.problem)
    return plan


def _add_depot(plan: Plan, hub: Hub) -> None:
    key = f"hub-{hub.pk}"
    if key in plan.hubs:
        return
    hours = list(hub.opening_hours.filter(weekday=plan.day.weekday()))
    window = (0, localtime.day_minutes(plan.day) * 60)
    if hours:
        window = (min(seconds_at(plan.day, h.opens) for h in hours),
                  max(seconds_at(plan.day, h.closes) for h in hours))
    plan.hubs[key] = hub
    plan.problem.depots.append(
        routing.Site(id=key, lat=hub.latitude, lon=hub.longitude, window=window)
    )


def _add_site(plan: Plan, site: DisposalSite) -> None:
    key = f"site-{site.pk}"
    plan.sites[key] = site
    plan.problem.disposal_sites.append(
        routing.Site(
            id=key, lat=site.latitude, lon=site.longitude,
            window=(seconds_at(plan.day, site.opens), seconds_at(plan.day, site.closes)),
            service_time=site.service_minutes * 60,
            accepts=frozenset(site.streams) if site.streams else None,
        )
    )


def _add_pickup(plan: Plan, pickup: PickupRequest) -> None:
    key = f"pickup-{pickup.pk}"
    candidates = [pickup.bay] if pickup.bay and pickup.bay.is_active else nearest_bays(
        pickup.latitude, pickup.longitude, CANDIDATE_BAYS)
    minutes = PICKUP_BASE_MINUTES + PICKUP_MINUTES_PER_CONTAINER * pickup.containers
    # The solver's window is for the start of service; the kerb time must end inside
    # the shop's window, so the last start is the window's end minus the service.
    first = localtime.wall_minute(pickup.day, pickup.window_start)
    last = localtime.wall_minute(pickup.day, pickup.window_end) - minutes
    choices = [(kerb_window(plan, bay, first, last, minutes), bay) for bay in candidates]
    choices = [(window, bay) for window, bay in choices if window]
    if not choices:
        plan.skipped[key] = "no_kerb_time"
        return
    (start, end), bay = max(choices, key=lambda c: c[0][1] - c[0][0])
    plan.pickups[key], plan.bays[key], plan.service_minutes[key] = pickup, bay, minutes
    plan.problem.stops.append(
        routing.Stop(id=key, lat=bay.latitude, lon=bay.longitude,
                     pickup={pickup.stream: pickup.volume_litres},
                     window=(start * 60, end * 60), service_time=minutes * 60,
                     zero_emission_only=bay.zone.zero_emission_zone)
    )


def _add_delivery(plan: Plan, chain: LastMileChain) -> None:
    key = f"chain-{chain.pk}"
    booking = chain.delivery
    minutes = max(1, int(localtime.elapsed(booking.start, booking.end).total_seconds() // 60))
    ready = localtime.later(chain.inbound.end, chain.inbound.hub.handling_minutes)
    first = localtime.minute_of_day(plan.day, ready) * 60
    latest = chain.delivery_latest or dt.time(18, 0)
    last = seconds_at(plan.day, latest) - minutes * 60
    if last < first:
        plan.skipped[key] = "window_too_short"
        return
    plan.chains[key], plan.bays[key], plan.service_minutes[key] = chain, booking.bay, minutes
    plan.problem.stops.append(
        routing.Stop(id=key, lat=booking.bay.latitude, lon=booking.bay.longitude,
                     delivery={GOODS: max(1, chain.goods_litres)}, window=(first, last),
                     service_time=minutes * 60,
                     zero_emission_only=booking.bay.zone.zero_emission_zone)
    )


def _add_vehicle(plan: Plan, cv: CollectorVehicle) -> None:
    key = f"vehicle-{cv.pk}"
    plan.vehicles[key] = cv
    capacity = {c.kind: c.capacity_litres for c in cv.compartments.all()}
    plan.problem.vehicles.append(
        routing.Vehicle(
            id=key, depot=f"hub-{cv.depot_id}", capacity=capacity,
            shift_start=seconds_at(plan.day, cv.shift_start),
            shift_end=seconds_at(plan.day, cv.shift_end),
            category=SPEED_CATEGORY.get(cv.vehicle.category, "van"),
            zero_emission=_admitted_to_zones(plan, cv.vehicle),
            max_trips=cv.max_trips,
        )
    )


def _admitted_to_zones(plan: Plan, vehicle) -> bool:
    """Whether the vehicle may serve the plan's zero-emission stops: the carrier says it is
    zero-emission, and the zero-emission decision admits it to every zone of the plan that
    day (a register that says otherwise keeps it out before the booking would refuse it)."""
    if not vehicle.zero_emission:
        return False
    zones = {bay.zone_id: bay.zone for bay in plan.bays.values()}
    return all(may_enter_zone(plate=vehicle.plate, category=vehicle.category, zone=zone,
                              day=plan.day) for zone in zones.values())


def _road_matrix(problem: routing.Problem) -> routing.Matrix | None:
    """A road matrix from OSRM when one is configured; None means haversine x detour."""
    url = getattr(settings, "VENSTER_OSRM_URL", "")
    if not url:
        return None
    points = [(p.id, p.lat, p.lon) for p in [*problem.depots, *problem.disposal_sites,
                                             *problem.stops]]
    return fetch_osrm_matrix(url, points)


def whole_minute(instant: dt.datetime) -> dt.datetime:
    """Round down to the minute: kerb bookings start and end on whole minutes."""
    return instant.replace(second=0, microsecond=0)


def minutes_between(a: dt.datetime, b: dt.datetime) -> int:
    return math.ceil(localtime.elapsed(a, b).total_seconds() / 60)
