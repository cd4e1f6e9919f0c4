"""Operations on places: announcing a closure to the bookings it hits."""

from __future__ import annotations

import datetime as dt
import math

from django.utils.translation import gettext as _

from . import localtime
from .models import Closure, LoadingBay

ALTERNATIVES_OFFERED = 3
NEARBY_BAYS = 5


def closure_spans(closure: Closure) -> list[tuple[dt.datetime, dt.datetime]]:
    """The closed periods as aware instants, one per day the closure applies on."""
    spans = []
    day = closure.start_date
    while day <= closure.end_date:
        if closure.applies_on(day):
            if closure.start_time is None:
                start, end = 0, localtime.day_minutes(day)
            else:
                start = localtime.wall_minute(day, closure.start_time)
                end = localtime.wall_minute(day, closure.end_time)
            spans.append((localtime.instant_at(day, start), localtime.instant_at(day, end)))
        day += dt.timedelta(days=1)
    return spans


def closure_bays(closure: Closure):
    if closure.bay_id:
        return LoadingBay.objects.filter(pk=closure.bay_id)
    return LoadingBay.objects.filter(zone_id=closure.zone_id)


def closure_hits(closure: Closure, *, now: dt.datetime | None = None) -> list:
    """Occupying bookings, not yet over, that overlap the closure. Works before it is saved."""
    from bookings.models import Booking

    spans = closure_spans(closure)
    if not spans:
        return []
    now = now or localtime.now()
    candidates = (
        Booking.objects.occupying()
        .filter(bay__in=closure_bays(closure), end__gt=now)
        .overlapping(spans[0][0], spans[-1][1])
        .select_related("bay__zone", "organisation")
        .order_by("start", "pk")
    )
    return [
        booking
        for booking in candidates
        if any(booking.start < end and booking.end > start for start, end in spans)
    ]


def _distance_m(a: LoadingBay, b: LoadingBay) -> float:
    # An equirectangular approximation is metres-exact enough inside one town.
    x = math.radians(b.longitude - a.longitude) * math.cos(math.radians(a.latitude))
    y = math.radians(b.latitude - a.latitude)
    return 6_371_000 * math.hypot(x, y)


def booking_alternatives(booking, *, now: dt.datetime | None = None) -> list[dict]:
    """Free starts on the same day for the same stay, at the nearest bays, nearest in time first."""
    from bookings.selectors import availability

    bay = booking.bay
    nearby = sorted(
        LoadingBay.objects.filter(zone_id=bay.zone_id, is_active=True).select_related("zone"),
        key=lambda other: _distance_m(bay, other),
    )[:NEARBY_BAYS]
    start = booking.start.astimezone(localtime.LOCAL)
    minutes = int(localtime.elapsed(booking.start, booking.end).total_seconds() // 60)
    free = availability(
        day=start.date(), duration_minutes=minutes, vehicle_length_m=booking.vehicle_length_m,
        zero_emission=booking.zero_emission, bays=nearby, now=now,
    )
    options = []
    for result in free:
        distance = round(_distance_m(bay, result.bay))
        for candidate in result.starts:
            shift = abs(localtime.elapsed(start, candidate).total_seconds()) // 60
            options.append((shift, distance, result.bay, candidate))
    options.sort(key=lambda option: (option[0], option[1], option[2].code))
    chosen, seen_bays = [], set()
    for _shift, distance, other, candidate in options:
        if other.pk in seen_bays:
            continue
        seen_bays.add(other.pk)
        chosen.append({"bay_id": other.pk, "bay": other.code, "street": other.street,
                       "distance_m": distance, "start": candidate.isoformat(),
                       "end": localtime.later(candidate, minutes).isoformat()})
        if len(chosen) == ALTERNATIVES_OFFERED:
            break
    return chosen


def closure_announce(closure: Closure, *, now: dt.datetime | None = None) -> list:
    """Announce a saved closure once (see bookings.affected.closure_announce)."""
    from bookings.affected import closure_announce as announce

    return announce(closure, now=now)


def closure_summary(closure: Closure) -> dict:
    return {"id": closure.pk, "reason": closure.reason, "description": closure.description,
            "start_date": closure.start_date.isoformat(),
            "end_date": closure.end_date.isoformat(),
            "start_time": closure.start_time.isoformat() if closure.start_time else None,
            "end_time": closure.end_time.isoformat() if closure.end_time else None}


def closure_notice(closure: Closure, booking, alternatives: list[dict]) -> tuple[str, str]:
    """The title and body telling a booker that a closure hits their booking, in the active
    language."""
    title = _("Bay %(bay)s is closed during your booking %(reference)s") % {
        "bay": booking.bay.code, "reference": booking.reference}
    return title, _closure_body(closure, booking, alternatives)


def _closure_body(closure: Closure, booking, alternatives: list[dict]) -> str:
    start = booking.start.astimezone(localtime.LOCAL)
    lines = [
        _("%(reason)s: %(description)s. Your booking on %(day)s at %(time)s cannot go ahead there.")
        % {"reason": closure.get_reason_display(), "description": closure.description or "-",
           "day": start.strftime("%d-%m-%Y"), "time": start.strftime("%H:%M")},
    ]
    return "\n".join(lines + alternatives_lines(alternatives))


def alternatives_lines(alternatives: list[dict]) -> list[str]:
    """The alternatives offered to a booking, as lines of a notification."""
    if not alternatives:
        return [_("No other bay nearby is free that day for this stay.")]
    lines = [_("Still free on the same day:")]
    for option in alternatives:
        at = dt.datetime.fromisoformat(option["start"]).astimezone(localtime.LOCAL)
        lines.append(f"- {option['bay']} {option['street']} {at:%H:%M} "
                     f"({option['distance_m']} m)")
    return lines
