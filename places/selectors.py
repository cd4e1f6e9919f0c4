"""Reads of the rules as they hold on a given day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q

from .models import LoadingBay, TimeWindow, VehicleLimit, Zone


@dataclass(frozen=True)
class VehicleLimits:
    """The longest and heaviest vehicle a bay takes on one day (its own and its zone's)."""

    max_length_m: Decimal
    max_weight_kg: int


def vehicle_limits_in_force(bays: Iterable[LoadingBay], day: dt.date
                            ) -> dict[int, VehicleLimits]:
    """Each bay's vehicle limits on the local `day`: a dated limit in force stands in for
    the zone's or the bay's own field (the latest started counts). Bays come with their
    zone. One query for any number of bays."""
    bays = list(bays)
    zone_length, zone_weight, bay_length = _dated_limits(
        [b.pk for b in bays], {b.zone_id for b in bays}, day)
    return {
        bay.pk: VehicleLimits(
            max_length_m=min(bay_length.get(bay.pk, bay.max_vehicle_length_m),
                             zone_length.get(bay.zone_id, bay.zone.max_vehicle_length_m)),
            max_weight_kg=zone_weight.get(bay.zone_id, bay.zone.max_vehicle_weight_kg),
        )
        for bay in bays
    }


def zone_vehicle_limits_in_force(zone: Zone, day: dt.date) -> VehicleLimits:
    """The zone's own limits on `day` (a bay may take shorter vehicles still)."""
    zone_length, zone_weight, _bays = _dated_limits([], {zone.pk}, day)
    return VehicleLimits(zone_length.get(zone.pk, zone.max_vehicle_length_m),
                         zone_weight.get(zone.pk, zone.max_vehicle_weight_kg))


def _dated_limits(bay_ids, zone_ids, day):
    """({zone id: length}, {zone id: mass}, {bay id: length}) of the dated limits in force."""
    dated = (
        VehicleLimit.objects.in_force_on(day)
        .filter(Q(bay__in=bay_ids) | Q(zone__in=zone_ids))
        .order_by(F("valid_from").asc(nulls_first=True), "pk")
    )
    zone_length, zone_weight, bay_length = {}, {}, {}
    for limit in dated:  # later ones overwrite earlier ones
        if limit.max_vehicle_length_m is not None:
            (bay_length if limit.bay_id else zone_length)[
                limit.bay_id or limit.zone_id] = limit.max_vehicle_length_m
        if limit.zone_id and limit.max_vehicle_weight_kg is not None:
            zone_weight[limit.zone_id] = limit.max_vehicle_weight_kg
    return zone_length, zone_weight, bay_length


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
