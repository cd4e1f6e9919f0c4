"""Reads: availability of bays, built from windows, closures and bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from places import caching, localtime
from places.models import Closure, LoadingBay
from places.selectors import vehicle_limits_in_force, windows_in_force

from .models import Booking
from .occupancy import BayDay, BayLimits


def to_cm(metres: Decimal | float) -> int:
    if isinstance(metres, Decimal):
        return int((metres * 100).to_integral_value())
    return int(round(Decimal(str(metres)) * 100))


def grid_minutes() -> int:
    return settings.VENSTER["GRID_MINUTES"]


def bay_limits(bay: LoadingBay, max_length_m: Decimal) -> BayLimits:
    """The bay's room, with the longest vehicle in force on the day (vehicle_limits_in_force)."""
    return BayLimits(
        kerb_cm=to_cm(bay.kerb_length_m),
        max_vehicles=bay.max_vehicles,
        max_vehicle_cm=to_cm(max_length_m),
        buffer_minutes=bay.zone.buffer_minutes,
    )


def bay_days(
    bays: Iterable[LoadingBay], day: dt.date, *, exclude_booking_id: int | None = None,
    rules_max_age: float | None = None, holds: bool = True, exclude_hold_id: int | None = None,
) -> dict[int, BayDay]:
    """Each bay's day: the vehicle limits and windows (its own, else its zone's) in force on
    `day`, closures, occupying bookings and the time held by open waitlist offers (unless
    ``holds`` is False; the holder's own offer, ``exclude_hold_id``, leaves its time free
    for the holder).

    Bays must come with their zone (select_related). Four queries for any number of bays.
    With ``rules_max_age`` windows and closures come from the rules cache (see
    places.caching; 0 under a booking's lock), and only the bookings are queried.
    """
    bays = list(bays)
    minutes = localtime.day_minutes(day)
    # Nothing fits until the rules give the longest vehicle of the day.
    result = {bay.pk: BayDay(bay_limits(bay, Decimal(0)), minutes) for bay in bays}
    if rules_max_age is None:
        _add_rules(bays, day, result)
    else:
        _add_cached_rules(bays, day, result, rules_max_age)
    _add_bookings(bays, day, result, exclude_booking_id,
                  held_at=localtime.now() if holds else None, exclude_hold_id=exclude_hold_id)
    return result


def _add_rules(bays, day, result):
    _add_vehicle_limits(bays, day, result)
    _add_windows(bays, day, result)
    _add_closures(bays, day, result)


def _add_cached_rules(bays, day, result, max_age):
    version = caching.rules_version(max_age)
    if version is None:
        _add_rules(bays, day, result)
        return
    keys = {bay.pk: f"bay-day:{version}:{bay.pk}:{day.isoformat()}" for bay in bays}
    found = caching.get_many(list(keys.values()))
    missing = [bay for bay in bays if keys[bay.pk] not in found]
    if missing:
        _add_rules(missing, day, result)
        caching.set_many({keys[bay.pk]: result[bay.pk].rules() for bay in missing})
    for bay in bays:
        if keys[bay.pk] in found:
            result[bay.pk].restore(found[keys[bay.pk]])


def _add_vehicle_limits(bays, day, result):
    in_force = vehicle_limits_in_force(bays, day)
    for bay in bays:
        result[bay.pk].limits = bay_limits(bay, in_force[bay.pk].max_length_m)


def _add_windows(bays, day, result):
    in_force = windows_in_force(bays, day)
    for bay in bays:
        for window in in_force[bay.pk]:
            result[bay.pk].add_window(
                localtime.wall_minute(day, window.start),
                localtime.wall_minute(day, window.end),
                window.zero_emission_only,
            )


def _add_closures(bays, day, result):
    zone_ids = {bay.zone_id for bay in bays}
    closures = Closure.objects.filter(
        Q(bay__in=[b.pk for b in bays]) | Q(zone__in=zone_ids),
        start_date__lte=day, end_date__gte=day,
    ).order_by()
    for closure in closures:
        if not closure.applies_on(day):
            continue
        start, end = closure_minutes(closure, day)
        for bay in bays:
            if closure.bay_id == bay.pk or closure.zone_id == bay.zone_id:
                result[bay.pk].add_closure(start, end)


def closure_minutes(closure: Closure, day: dt.date) -> tuple[int, int]:
    if closure.start_time is None:
        return 0, localtime.day_minutes(day)
    return localtime.wall_minute(day, closure.start_time), localtime.wall_minute(
        day, closure.end_time
    )


def _add_bookings(bays, day, result, exclude_booking_id, *, held_at, exclude_hold_id):
    """The occupying bookings, and the time open waitlist offers hold as a booking would
    (held_at: now; None leaves the holds out)."""
    day_start = localtime.day_start(day)
    day_end = localtime.day_start(day + dt.timedelta(days=1))
    max_buffer = max((bay.zone.buffer_minutes for bay in bays), default=0)
    bookings = Booking.objects.occupying_stays(
        [b.pk for b in bays], localtime.later(day_start, -max_buffer), day_end,
        held_at=held_at, exclude_hold_id=exclude_hold_id)
    for pk, bay_id, start, end, length in bookings:
        if pk is not None and pk == exclude_booking_id:
            continue
        result[bay_id].add_booking(
            localtime.minute_of_day(day, start), localtime.minute_of_day(day, end), to_cm(length)
        )


@dataclass(frozen=True)
class FreeStarts:
    bay: LoadingBay
    starts: list[dt.datetime]


def availability(
    *,
    day: dt.date,
    duration_minutes: int,
    vehicle_length_m: Decimal | float,
    zero_emission: bool,
    bays: Iterable[LoadingBay] | None = None,
    zone=None,
    now: dt.datetime | None = None,
) -> list[FreeStarts]:
    """Free start times on the grid, per bay, for a vehicle and a stay on one local day.

    Honours windows, zero-emission-only windows, closures, kerb length and the
    number of vehicles at every minute, the zone's longest stay, how far ahead
    and how late one may book. Pass bays, or a zone for all its active bays.
    """
    if bays is None:
        bays = LoadingBay.objects.filter(zone=zone, is_active=True)
    bays = [b for b in _with_zone(bays) if b.is_active]
    now = now or localtime.now()
    days = bay_days(bays, day, rules_max_age=caching.VERSION_CHECK_SECONDS)
    length_cm = to_cm(vehicle_length_m)
    result = []
    for bay in bays:
        earliest = _earliest_bookable_minute(bay, day, now)
        if earliest is None or duration_minutes > bay.zone.max_stay_minutes:
            result.append(FreeStarts(bay, []))
            continue
        minutes = days[bay.pk].free_starts(
            duration_minutes, length_cm, zero_emission, grid=grid_minutes(), earliest=earliest
        )
        result.append(FreeStarts(bay, localtime.instants_at(day, minutes)))
    return result


def _with_zone(bays):
    if hasattr(bays, "select_related"):
        return bays.select_related("zone")
    return bays


def _earliest_bookable_minute(bay: LoadingBay, day: dt.date, now: dt.datetime) -> int | None:
    """The first minute of `day` still bookable now, or None when the day is out of reach."""
    zone = bay.zone
    if day > now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=zone.book_ahead_days):
        return None
    first_instant = localtime.later(now, zone.min_lead_minutes)
    minute = localtime.minute_of_day(day, first_instant)
    if minute >= localtime.day_minutes(day):
        return None
    return max(0, minute + (1 if first_instant.second or first_instant.microsecond else 0))
