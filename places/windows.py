"""A zone's next version of windows: the bookings it would not cover, and telling their bookers.

A version is given as window specifications (anything with `weekday`, `start`, `end`
and `zero_emission_only`), so the console can ask before anything is saved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from . import localtime
from .models import LoadingBay, Zone
from .selectors import windows_in_force_by_owner


def uncovered_bookings(zone: Zone, valid_from: dt.date, windows, *,
                       now: dt.datetime | None = None) -> list:
    """Occupying bookings of the zone from `valid_from` on, not yet over, that the proposed
    zone windows would not open to their vehicle. A bay with windows of its own on the
    booking's day keeps them, so its bookings are not touched by the zone's version."""
    from bookings.models import Booking

    now = now or localtime.now()
    by_weekday = defaultdict(list)
    for spec in windows:
        by_weekday[spec.weekday].append(spec)
    bookings = (
        Booking.objects.occupying()
        .filter(bay__zone=zone, start__gte=localtime.day_start(valid_from), end__gt=now)
        .select_related("bay__zone", "organisation")
        .order_by("start", "pk")
    )
    bays_with_own: dict[dt.date, set[int]] = {}
    result = []
    for booking in bookings:
        day = booking.start.astimezone(localtime.LOCAL).date()
        if day not in bays_with_own:
            bays = LoadingBay.objects.filter(zone=zone)
            bays_with_own[day] = set(windows_in_force_by_owner(bays, day)[0])
        if booking.bay_id in bays_with_own[day]:
            continue
        if not _covered(booking, day, by_weekday[day.weekday()]):
            result.append(booking)
    return result


def _covered(booking, day: dt.date, specs) -> bool:
    """Whether every minute of the stay lies in a window open to the booking's vehicle."""
    start = localtime.minute_of_day(day, booking.start)
    end = localtime.minute_of_day(day, booking.end)
    open_minutes = set()
    for spec in specs:
        if spec.zero_emission_only and not booking.zero_emission:
            continue
        open_minutes.update(range(localtime.wall_minute(day, spec.start),
                                  localtime.wall_minute(day, spec.end)))
    return all(minute in open_minutes for minute in range(start, end))


def announce_windows_version(zone: Zone, valid_from: dt.date, bookings: list) -> list:
    """Tell the booker of each booking the new windows no longer cover, in its language.

    Called once, inside the transaction that publishes the version, so the
    notifications commit (or roll back) with it.
    """
    from notifications.models import Notification
    from notifications.services import in_language_of, notify

    notifications = []
    for booking in bookings:
        organisation = booking.organisation
        start = booking.start.astimezone(localtime.LOCAL)
        with in_language_of(organisation):
            notifications.append(notify(
                organisation=organisation,
                kind=Notification.Kind.WINDOWS_CHANGED,
                title=_("New windows in %(zone)s from %(day)s do not cover booking %(reference)s")
                % {"zone": zone.name, "day": valid_from.strftime("%d-%m-%Y"),
                   "reference": booking.reference},
                body=_("From %(day)s bay %(bay)s is no longer open to your vehicle on "
                       "%(date)s at %(time)s. Please move or cancel your booking.")
                % {"day": valid_from.strftime("%d-%m-%Y"), "bay": booking.bay.code,
                   "date": start.strftime("%d-%m-%Y"), "time": start.strftime("%H:%M")},
                payload={"zone": zone.slug, "valid_from": valid_from.isoformat(),
                         "booking": {"reference": booking.reference, "bay": booking.bay.code,
                                     "start": booking.start.isoformat(),
                                     "end": booking.end.isoformat()}},
            ))
    return notifications
