"""CDS Metrics (1.0): parking sessions from check-ins and check-outs, and their hourly
aggregates per curb zone (a bay) and curb area (a Venster zone).

A session is a booking that was checked in: it starts at the check-in and ends at the
check-out, or is still open. Aggregates follow the spec's methodology, in local hours
(Europe/Amsterdam): a session counts in the hour it starts (``total_sessions``,
``turnover`` per hour, ``average_dwell_time`` in minutes of the sessions that ended),
and its minutes spread over the hours it covers (``occupancy_percent``: minutes used over
the minutes the place could hold, 0-100). An hour that the clock repeats in autumn is
one bucket of 120 minutes; the hour skipped in spring has no bucket. Hours in which no
vehicle stood are left out: their values are 0, and their dwell time is undefined.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bookings.models import Booking
from bookings.selectors import to_cm
from places import localtime

from . import ids
from .events import VEHICLE_TYPES
from .query import to_millis

METRIC_TYPES = ("total_sessions", "turnover", "average_dwell_time", "occupancy_percent")
PLACE_TYPES = ("zone", "area")
SESSION_COLUMNS = [
    "session_type", "event_id_start", "event_id_end",
    "event_location_start_latitude", "event_location_start_longitude",
    "event_location_end_latitude", "event_location_end_longitude",
    "event_time_start", "event_time_end", "curb_zone_id", "curb_area_ids",
    "vehicle_length", "vehicle_type",
]
AGGREGATE_COLUMNS = ["curb_place_type", "curb_place_id", "metric_type", "date", "hour", "value"]


@dataclass(frozen=True)
class Session:
    booking_id: int
    bay_id: int
    zone_id: int
    start: dt.datetime
    end: dt.datetime | None
    latitude: float
    longitude: float
    vehicle_length_cm: int | None
    vehicle_type: str


def sessions(bookings, *, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """The sessions that start in [start, end), oldest first."""
    rows = (bookings.filter(checked_in_at__gte=start, checked_in_at__lt=end)
            .select_related("bay", "vehicle").order_by("checked_in_at", "pk"))
    return [
        Session(b.pk, b.bay_id, b.bay.zone_id, b.checked_in_at, b.checked_out_at,
                b.bay.latitude, b.bay.longitude, to_cm(b.vehicle_length_m),
                VEHICLE_TYPES.get(b.vehicle.category, "unspecified") if b.vehicle
                else "unspecified")
        for b in rows
    ]


def session_row(session: Session) -> dict[str, object]:
    ended = session.end is not None
    return {
        "session_type": "parking",
        "event_id_start": ids.event_id(session.booking_id, "park_start"),
        "event_id_end": ids.event_id(session.booking_id, "park_end") if ended else None,
        "event_location_start_latitude": session.latitude,
        "event_location_start_longitude": session.longitude,
        "event_location_end_latitude": session.latitude if ended else None,
        "event_location_end_longitude": session.longitude if ended else None,
        "event_time_start": to_millis(session.start),
        "event_time_end": to_millis(session.end) if session.end else None,
        "curb_zone_id": ids.curb_zone_id(session.bay_id),
        # CSV has no lists: the ids as a JSON array in one cell
        "curb_area_ids": json.dumps([ids.curb_area_id(session.zone_id)]),
        "vehicle_length": session.vehicle_length_cm,
        "vehicle_type": session.vehicle_type,
    }


def local_hour(instant: dt.datetime) -> tuple[dt.date, int]:
    local = instant.astimezone(localtime.LOCAL)
    return local.date(), local.hour


def hour_buckets(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[dt.datetime,
                                                                          dt.datetime]]:
    """Whole UTC hours covering [start, end); every local hour is one or two of them."""
    moment = start.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    while moment < end:
        yield moment, moment + dt.timedelta(hours=1)
        moment += dt.timedelta(hours=1)


@dataclass
class _Bucket:
    sessions: int = 0
    ended: int = 0
    dwell_minutes_of_ended: float = 0.0
    used_minutes: float = 0.0
    open_minutes: float = 0.0


def aggregates(found: Iterable[Session], *, capacity: dict[int, int], zone_of: dict[int, int],
               start: dt.datetime, end: dt.datetime, now: dt.datetime,
               place_type: str | None = None, metric: str | None = None,
               place_ids: set[str] | None = None) -> list[dict[str, object]]:
    """Aggregate rows for the sessions, per place and local hour within [start, end).

    ``capacity`` gives vehicles at once per bay; ``zone_of`` each bay's zone.
    """
    buckets: dict[tuple[str, str, dt.date, int], _Bucket] = defaultdict(_Bucket)
    places = _places(capacity, zone_of, place_type, place_ids)

    for session in found:
        for kind, place in _places_of(session, place_type):
            if (kind, place) not in places:
                continue
            bucket = buckets[(kind, place, *local_hour(session.start))]
            bucket.sessions += 1
            if session.end is not None:
                bucket.ended += 1
                bucket.dwell_minutes_of_ended += (session.end - session.start) / dt.timedelta(
                    minutes=1)
        stop = min(session.end or now, end)
        for hour_start, hour_end in hour_buckets(max(session.start, start), stop):
            minutes = (min(hour_end, stop) - max(hour_start, session.start)) / dt.timedelta(
                minutes=1)
            if minutes <= 0:
                continue
            for kind, place in _places_of(session, place_type):
                if (kind, place) in places:
                    buckets[(kind, place, *local_hour(hour_start))].used_minutes += minutes

    for (kind, place, day, hour), bucket in buckets.items():
        bucket.open_minutes = places[(kind, place)] * _local_hour_minutes(day, hour)

    rows = []
    for (kind, place, day, hour), bucket in sorted(buckets.items()):
        for name, value in _metric_values(bucket):
            if metric in (None, name):
                rows.append({"curb_place_type": kind, "curb_place_id": place, "metric_type": name,
                             "date": day.isoformat(), "hour": hour, "value": value})
    return rows


def _places(capacity, zone_of, place_type, place_ids) -> dict[tuple[str, str], int]:
    """(kind, CDS id) -> vehicles at once, for the places asked for."""
    places: dict[tuple[str, str], int] = {}
    for bay_id, room in capacity.items():
        if place_type in (None, "zone"):
            places[("zone", ids.curb_zone_id(bay_id))] = room
        if place_type in (None, "area"):
            key = ("area", ids.curb_area_id(zone_of[bay_id]))
            places[key] = places.get(key, 0) + room
    if place_ids is not None:
        places = {key: room for key, room in places.items() if key[1] in place_ids}
    return places


def _places_of(session: Session, place_type: str | None) -> list[tuple[str, str]]:
    found = []
    if place_type in (None, "zone"):
        found.append(("zone", ids.curb_zone_id(session.bay_id)))
    if place_type in (None, "area"):
        found.append(("area", ids.curb_area_id(session.zone_id)))
    return found


def _local_hour_minutes(day: dt.date, hour: int) -> float:
    """60, or 120 for the hour the clock repeats when summer time ends."""
    first = dt.datetime.combine(day, dt.time(hour), tzinfo=localtime.LOCAL)
    return 120.0 if first.utcoffset() != first.replace(fold=1).utcoffset() else 60.0


def _metric_values(bucket: _Bucket) -> list[tuple[str, float]]:
    values: list[tuple[str, float]] = [("total_sessions", bucket.sessions),
                                       ("turnover", bucket.sessions)]
    if bucket.ended:
        values.append(("average_dwell_time",
                       round(bucket.dwell_minutes_of_ended / bucket.ended, 1)))
    if bucket.open_minutes:
        values.append(("occupancy_percent",
                       round(min(100.0, 100 * bucket.used_minutes / bucket.open_minutes), 1)))
    return values


def metric_bookings(municipality_id: int | None):
    """Bookings with a check-in, limited to one municipality unless None (all)."""
    bookings = Booking.objects.filter(checked_in_at__isnull=False)
    if municipality_id is not None:
        bookings = bookings.filter(bay__zone__municipality_id=municipality_id)
    return bookings
