"""Reads for carriers: the nearest bays with a free start for a vehicle, near a point."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from places import localtime
from places.geo import within_radius
from places.models import LoadingBay

from .selectors import availability

MAX_DAYS = 7
MAX_CANDIDATE_BAYS = 40


@dataclass(frozen=True)
class NearbyStart:
    bay: LoadingBay
    distance_m: float
    start: dt.datetime
    end: dt.datetime


def locate_address(address: str) -> tuple[float, float] | None:
    """A point for a street address, from the bays on that street (no outside geocoder).

    'Breestraat 61' and 'breestraat' both find the middle of Breestraat's bays.
    """
    street = re.sub(r"\s+\d+\s*[a-zA-Z]?(-\d+)?\s*$", "", address.strip())
    coordinates = list(
        LoadingBay.objects.filter(street__iexact=street).values_list("latitude", "longitude")
    )
    if not coordinates:
        return None
    return (sum(c[0] for c in coordinates) / len(coordinates),
            sum(c[1] for c in coordinates) / len(coordinates))


def fitting_bays(vehicle_length_m: Decimal):
    return LoadingBay.objects.filter(
        is_active=True, max_vehicle_length_m__gte=vehicle_length_m,
        kerb_length_m__gte=vehicle_length_m, zone__max_vehicle_length_m__gte=vehicle_length_m,
    ).select_related("zone")


def nearest_free_starts(
    *,
    latitude: float,
    longitude: float,
    radius_m: float,
    earliest: dt.datetime,
    latest: dt.datetime,
    duration_minutes: int,
    vehicle_length_m: Decimal,
    zero_emission: bool,
    limit: int = 5,
    now: dt.datetime | None = None,
) -> list[NearbyStart]:
    """Per bay within radius_m, its first free start in [earliest, latest - duration].

    Nearest bays first; at most `limit` of them.
    """
    candidates = list(within_radius(fitting_bays(vehicle_length_m), latitude=latitude,
                                    longitude=longitude, radius_m=radius_m)[:MAX_CANDIDATE_BAYS])
    found: dict[int, NearbyStart] = {}
    for day in _days(earliest, latest):
        open_bays = [b for b in candidates if b.pk not in found]
        if not open_bays:
            break
        for free in availability(day=day, duration_minutes=duration_minutes,
                                 vehicle_length_m=vehicle_length_m, zero_emission=zero_emission,
                                 bays=open_bays, now=now):
            start = _first_within(free.starts, earliest, latest, duration_minutes)
            if start is not None:
                found[free.bay.pk] = NearbyStart(free.bay, free.bay.distance_m, start,
                                                 localtime.later(start, duration_minutes))
    return sorted(found.values(), key=lambda n: (n.distance_m, n.bay.pk))[:limit]


def _days(earliest: dt.datetime, latest: dt.datetime) -> list[dt.date]:
    first = earliest.astimezone(localtime.LOCAL).date()
    last = latest.astimezone(localtime.LOCAL).date()
    count = min((last - first).days + 1, MAX_DAYS)
    return [first + dt.timedelta(days=i) for i in range(max(count, 0))]


def _first_within(starts, earliest, latest, duration_minutes):
    for start in starts:
        if start >= earliest and localtime.later(start, duration_minutes) <= latest:
            return start
    return None
