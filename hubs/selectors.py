"""Reads: when a hub's dock doors are free, its storage, a collector's routes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from places import localtime

from .models import (
    DockDoor,
    DockReservation,
    Hub,
    HubClosure,
    PlannedRoute,
    PlanningRun,
    StorageReservation,
)


def to_cm(metres: Decimal | float) -> int:
    return int(round(Decimal(str(metres)) * 100))


@dataclass
class DockDay:
    """One hub on one local day, in real minutes from midnight (plain data, no queries).

    `busy[door_id]` lists the door's reserved (start, end) minutes; `by_share`
    lists, per municipality, the reserved intervals that count against its quota.
    """

    hub: Hub
    day: dt.date
    doors: list[DockDoor]
    open_spans: list[tuple[int, int]] = field(default_factory=list)
    closed_spans: list[tuple[int, int]] = field(default_factory=list)
    busy: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    by_share: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    share_limit: dict[int, int] = field(default_factory=dict)

    def is_open(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.open_spans)

    def is_closed(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.closed_spans)

    def free_doors(self, start: int, end: int, length_cm: int) -> list[DockDoor]:
        """Doors long enough and free for the whole stay, smallest first."""
        return [
            door
            for door in self.doors
            if to_cm(door.max_vehicle_length_m) >= length_cm
            and not any(a < end and start < b for a, b in self.busy.get(door.pk, []))
        ]

    def share_left(self, municipality_id: int | None, start: int, end: int) -> bool:
        """True unless the municipality has a quota that is already full at some minute."""
        limit = self.share_limit.get(municipality_id) if municipality_id else None
        if limit is None:
            return True
        spans = self.by_share.get(municipality_id, [])
        # The count of overlapping reservations can only rise at a reservation's start.
        points = [start] + [a for a, _b in spans if start < a < end]
        return all(sum(1 for a, b in spans if a <= p < b) < limit for p in points)


def dock_day(hub: Hub, day: dt.date, *, exclude_id: int | None = None) -> DockDay:
    """Build a hub's day: opening hours, closures, active doors and confirmed reservations."""
    doors = list(hub.doors.filter(is_active=True).order_by("max_vehicle_length_m", "code", "pk"))
    result = DockDay(hub=hub, day=day, doors=doors, busy={d.pk: [] for d in doors})
    for hours in hub.opening_hours.filter(weekday=day.weekday()):
        result.open_spans.append(
            (localtime.wall_minute(day, hours.opens), localtime.wall_minute(day, hours.closes))
        )
    for closure in HubClosure.objects.filter(hub=hub, start_date__lte=day, end_date__gte=day):
        if closure.start_time is None:
            result.closed_spans.append((0, localtime.day_minutes(day)))
        else:
            result.closed_spans.append(
                (localtime.wall_minute(day, closure.start_time),
                 localtime.wall_minute(day, closure.end_time))
            )
    active_doors = len(doors)
    for share in hub.shares.filter(dock_share_percent__isnull=False):
        result.share_limit[share.municipality_id] = max(
            1, active_doors * share.dock_share_percent // 100
        )
    day_start = localtime.day_start(day)
    day_end = localtime.day_start(day + dt.timedelta(days=1))
    reservations = (
        DockReservation.objects.confirmed()
        .filter(hub=hub)
        .overlapping(day_start, day_end)
        .exclude(pk=exclude_id)
        .values_list("door_id", "municipality_id", "start", "end")
    )
    for door_id, municipality_id, start, end in reservations:
        span = (localtime.minute_of_day(day, start), localtime.minute_of_day(day, end))
        result.busy.setdefault(door_id, []).append(span)
        if municipality_id:
            result.by_share.setdefault(municipality_id, []).append(span)
    return result


@dataclass(frozen=True)
class DockSlot:
    start: dt.datetime
    end: dt.datetime
    free_doors: int


def last_bookable_day(hub: Hub, now: dt.datetime) -> dt.date:
    """The last local day a hub's dock doors and storage may be reserved for: the hub's
    book_ahead_days after today (28 by default, as for a zone's bays)."""
    return now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=hub.book_ahead_days)


def dock_availability(
    *, hub: Hub, day: dt.date, duration_minutes: int, vehicle_length_m: Decimal | float,
    municipality_id: int | None = None, now: dt.datetime | None = None,
) -> list[DockSlot]:
    """Every start on the hub's slot grid where a fitting door is free for the whole stay.

    A day before today or past the hub's last bookable day has none.
    """
    now = now or localtime.now()
    if not now.astimezone(localtime.LOCAL).date() <= day <= last_bookable_day(hub, now):
        return []
    plan = dock_day(hub, day)
    length_cm = to_cm(vehicle_length_m)
    slots = []
    for first, last in plan.open_spans:
        start = first
        while start + duration_minutes <= last:
            end = start + duration_minutes
            if not plan.is_closed(start, end) and plan.share_left(municipality_id, start, end):
                free = len(plan.free_doors(start, end, length_cm))
                if free:
                    slots.append(DockSlot(localtime.instant_at(day, start),
                                          localtime.instant_at(day, end), free))
            start += hub.slot_minutes
    return slots


def storage_free_by_day(hub: Hub, first: dt.date, last: dt.date, *, exclude_id=None) -> dict:
    """Free pallet places on each day from first to last (inclusive), from the reservation rows."""
    used = {first + dt.timedelta(days=n): 0 for n in range((last - first).days + 1)}
    reservations = StorageReservation.objects.filter(
        hub=hub, status="confirmed", start_date__lte=last, end_date__gte=first
    ).exclude(pk=exclude_id)
    for reservation in reservations:
        for day in used:
            if reservation.start_date <= day <= reservation.end_date:
                used[day] += reservation.pallets
    return {day: hub.storage_pallet_places - taken for day, taken in used.items()}


def routes_of(collector, *, day: dt.date | None = None):
    """The collector's routes in applied runs, with their stops, for its API and run sheets."""
    routes = PlannedRoute.objects.filter(
        run__collector=collector, run__status=PlanningRun.Status.APPLIED
    ).select_related("vehicle__vehicle", "depot", "run")
    if day:
        routes = routes.filter(run__day=day)
    return routes.prefetch_related("stops__pickup__organisation", "stops__disposal_site",
                                   "stops__bay", "stops__booking", "stops__chain")


def pickups_on_routes_of(collector):
    """The pickups on the collector's routes of applied planning runs (each once)."""
    from .models import PickupRequest

    return (PickupRequest.objects.filter(
        route_stops__route__run__collector=collector,
        route_stops__route__run__status=PlanningRun.Status.APPLIED)
        .distinct().select_related("organisation"))
