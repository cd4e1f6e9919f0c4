"""Collectors' stops and pickups at a bay that closes: moved to the nearest open bay of the
same zone (the shop's own area) where that bay takes the stop's kerb time, else flagged to the
collector, who sees the flag on the run sheet.

Called by the closure service (bookings.affected) inside the closure's transaction, before
the bookings still hit are marked: a stop moved here is not hit any more.
"""

from __future__ import annotations

import datetime as dt
import math

from bookings import errors as booking_errors
from bookings import services as bookings
from bookings.models import Booking
from bookings.selectors import bay_days
from places import localtime
from places.models import Closure, LoadingBay
from places.services import closure_bays, closure_spans

from ..models import PickupRequest, PlanningRun, RouteStop

FLAG_BAY_CLOSED = "bay_closed"
#: nearest bays of the zone tried for one stop, nearest first
CANDIDATE_BAYS = 5


def replan_for_closure(closure: Closure, *, now: dt.datetime | None = None) -> dict:
    """Move or flag the stops and pickups the closure hits; counts of both."""
    now = now or localtime.now()
    spans = closure_spans(closure)
    if not spans:
        return {"moved": 0, "flagged": 0}
    closed = set(closure_bays(closure).values_list("pk", flat=True))
    moved = flagged = 0
    for stop in _stops_hit(closed, spans, now):
        if _move_stop(stop, closed, now):
            moved += 1
        else:
            _flag_stop(stop)
            flagged += 1
    for pickup in _pickups_hit(closed, spans, now):
        if _move_pickup(pickup, closed):
            moved += 1
        else:
            _flag(pickup)
            flagged += 1
    return {"moved": moved, "flagged": flagged}


def _overlaps(start, end, spans) -> bool:
    return any(start < span_end and end > span_start for span_start, span_end in spans)


def _stops_hit(closed: set[int], spans, now) -> list[RouteStop]:
    stops = (RouteStop.objects
             .filter(bay_id__in=closed, route__run__status=PlanningRun.Status.APPLIED,
                     kind__in=[RouteStop.Kind.PICKUP, RouteStop.Kind.DELIVERY], end__gt=now,
                     start__lt=spans[-1][1], end__gte=spans[0][0])
             .select_related("bay__zone", "booking", "pickup").order_by("start", "pk"))
    return [stop for stop in stops if _overlaps(_held(stop)[0], _held(stop)[1], spans)]


def _held(stop: RouteStop) -> tuple[dt.datetime, dt.datetime]:
    """The kerb time the stop holds: its booking's (shared with a stop back to back), or its
    own service time."""
    if stop.booking is not None and stop.booking.is_occupying:
        return stop.booking.start, stop.booking.end
    return stop.start, stop.end


def _nearest_bays(bay: LoadingBay, closed: set[int]) -> list[LoadingBay]:
    others = (LoadingBay.objects.filter(zone_id=bay.zone_id, is_active=True)
              .exclude(pk__in=closed).select_related("zone"))
    return sorted(others, key=lambda other: (_distance(bay, other), other.code))[:CANDIDATE_BAYS]


def _distance(a: LoadingBay, b: LoadingBay) -> float:
    x = (b.longitude - a.longitude) * math.cos(math.radians(a.latitude))
    return math.hypot(x, b.latitude - a.latitude)


def _move_stop(stop: RouteStop, closed: set[int], now) -> bool:
    """Move the stop's booking to the nearest bay that takes it, by the ordinary reschedule
    (every rule applies); True when moved."""
    booking = stop.booking
    if booking is None:
        return False
    booking = Booking.objects.select_related("bay").get(pk=booking.pk)
    if booking.bay_id not in closed:
        # a stop back to back with one moved before shares its booking: it follows it
        _place_stop(stop, booking.bay)
        return True
    if booking.status != Booking.Status.CONFIRMED:
        return False
    for candidate in _nearest_bays(stop.bay, closed):
        try:
            moved = bookings.booking_reschedule(booking=booking, start=booking.start,
                                                end=booking.end, bay=candidate, now=now)
        except booking_errors.BookingError:
            continue
        _place_stop(stop, moved.bay)
        return True
    return False


def _place_stop(stop: RouteStop, bay: LoadingBay) -> None:
    stop.bay, stop.latitude, stop.longitude, stop.flagged_reason = (
        bay, bay.latitude, bay.longitude, "")
    stop.save(update_fields=["bay", "latitude", "longitude", "flagged_reason"])
    if stop.pickup_id:
        PickupRequest.objects.filter(pk=stop.pickup_id).update(bay=bay, flagged_reason="")


def _flag_stop(stop: RouteStop) -> None:
    stop.flagged_reason = FLAG_BAY_CLOSED
    stop.save(update_fields=["flagged_reason"])
    if stop.pickup_id:
        PickupRequest.objects.filter(pk=stop.pickup_id).update(flagged_reason=FLAG_BAY_CLOSED)


def _pickups_hit(closed: set[int], spans, now) -> list[PickupRequest]:
    """Pickups waiting for a planning run at a closing bay, inside the closure."""
    first = spans[0][0].astimezone(localtime.LOCAL).date()
    last = spans[-1][1].astimezone(localtime.LOCAL).date()
    pickups = (PickupRequest.objects
               .filter(bay_id__in=closed, status=PickupRequest.Status.PENDING,
                       day__gte=max(first, now.astimezone(localtime.LOCAL).date()),
                       day__lte=last)
               .select_related("bay__zone"))
    return [pickup for pickup in pickups if _overlaps(*_window(pickup), spans)]


def _window(pickup: PickupRequest) -> tuple[dt.datetime, dt.datetime]:
    return (localtime.make_local(pickup.day, pickup.window_start),
            localtime.make_local(pickup.day, pickup.window_end))


def _move_pickup(pickup: PickupRequest, closed: set[int]) -> bool:
    """Point a pickup that no run holds yet to the nearest bay open in its window and closed at
    none of it (the planning run books the kerb there later, by the rules); True when moved."""
    start, end = _window(pickup)
    day = pickup.day
    candidates = _nearest_bays(pickup.bay, closed)
    days = bay_days(candidates, day)
    first, last = localtime.minute_of_day(day, start), localtime.minute_of_day(day, end)
    for candidate in candidates:
        bay_day = days[candidate.pk]
        # open for loading some time in the window, and closed at none of it
        if any(bay_day.closed[first:last]) or not any(bay_day.open_to_clean[first:last]):
            continue
        pickup.bay, pickup.flagged_reason = candidate, ""
        pickup.save(update_fields=["bay", "flagged_reason"])
        return True
    return False


def _flag(pickup: PickupRequest) -> None:
    pickup.flagged_reason = FLAG_BAY_CLOSED
    pickup.save(update_fields=["flagged_reason"])
