"""Reads of the rules as they hold on a given day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from .models import LoadingBay, TimeWindow


def windows_in_force(bays: Iterable[LoadingBay], day: dt.date) -> dict[int, list[TimeWindow]]:
    """Each bay's windows in force on the local `day`, earliest first: the bay's own for
    that weekday, else its zone's. One query for any number of bays.

    Every reader of windows (availability, booking, reschedule, the allocation, the
    portal, enforcement, the what-if, the public rules page) asks here, so all of them
    see the same version on the same day.
    """
    bays = list(bays)
    by_bay, by_zone = windows_in_force_by_owner(bays, day)
    return {bay.pk: by_bay.get(bay.pk) or by_zone.get(bay.zone_id, []) for bay in bays}


def windows_in_force_by_owner(
    bays: Iterable[LoadingBay], day: dt.date
) -> tuple[dict[int, list[TimeWindow]], dict[int, list[TimeWindow]]]:
    """The windows in force on `day`'s weekday, apart: ({bay id: its own}, {zone id: the
    zone's}), for a caller that replaces one of the two (the what-if)."""
    bays = list(bays)
    windows = (
        TimeWindow.objects.in_force_on(day)
        .filter(Q(bay__in=[b.pk for b in bays]) | Q(zone__in={b.zone_id for b in bays}),
                weekday=day.weekday())
        .order_by("start", "pk")
    )
    by_bay, by_zone = defaultdict(list), defaultdict(list)
    for window in windows:
        (by_bay[window.bay_id] if window.bay_id else by_zone[window.zone_id]).append(window)
    return dict(by_bay), dict(by_zone)


def zone_windows_in_force(zone_id: int, day: dt.date) -> list[TimeWindow]:
    """The zone's own windows (all weekdays) of the version in force on `day`."""
    return list(TimeWindow.objects.in_force_on(day).filter(zone_id=zone_id)
                .order_by("weekday", "start", "pk"))


def zone_versions_ahead(zone_id: int, day: dt.date) -> list[tuple[dt.date, list[TimeWindow]]]:
    """The zone's window versions published to start after `day`, by first day."""
    ahead = (TimeWindow.objects.filter(zone_id=zone_id, valid_from__gt=day)
             .order_by("valid_from", "weekday", "start", "pk"))
    versions: dict[dt.date, list[TimeWindow]] = {}
    for window in ahead:
        versions.setdefault(window.valid_from, []).append(window)
    return list(versions.items())
