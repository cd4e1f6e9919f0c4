"""Fair use of a zone's kerb: the most minutes one organisation may hold there a day.

One rule for every path that books or moves kerb time. Instant bookings,
reschedules and everything built on them (recurring series, waitlist claims,
hub chains, bundled routes) call `check_quota` inside their transaction; the
batch allocation applies the same limit with `held_minutes` and its own tally.
"""

from __future__ import annotations

import datetime as dt

from places import localtime

from . import errors, locking
from .models import Booking, Quota


def held_minutes(*, zone, day: dt.date, organisation_id: int, exclude_booking_id=None) -> int:
    """Minutes of kerb an organisation's occupying bookings hold in the zone on that day."""
    day_start = localtime.day_start(day)
    day_end = localtime.day_start(day + dt.timedelta(days=1))
    bookings = (Booking.objects.occupying()
                .filter(bay__zone=zone, organisation_id=organisation_id)
                .overlapping(day_start, day_end))
    if exclude_booking_id:
        bookings = bookings.exclude(pk=exclude_booking_id)
    total = 0
    for start, end in bookings.values_list("start", "end"):
        start, end = max(start, day_start), min(end, day_end)
        total += int(localtime.elapsed(start, end).total_seconds() // 60)
    return total


def check_quota(*, zone, organisation_id: int, start: dt.datetime, end: dt.datetime,
                exclude_booking_id=None) -> None:
    """Refuse a stay that would take the organisation past its quota in the zone that day.

    Locks the quota row first: the organisation's bookings at other bays of the
    zone do not share this bay's lock, and two of them must not each take the
    last minutes. The lock comes after the bay's (every path locks bays first).
    """
    quotas = Quota.objects.filter(zone=zone, organisation_id=organisation_id)
    if locking.LOCKING_ENABLED:
        quotas = quotas.select_for_update()  # at most one row (unique per zone and organisation)
    locked = list(quotas)
    if not locked:
        return
    day = start.astimezone(localtime.LOCAL).date()
    wanted = int(localtime.elapsed(start, end).total_seconds() // 60)
    held = held_minutes(zone=zone, day=day, organisation_id=organisation_id,
                        exclude_booking_id=exclude_booking_id)
    if held + wanted > locked[0].max_minutes_per_day:
        raise errors.QuotaExceeded(
            limit=locked[0].max_minutes_per_day, held=held, wanted=wanted)
