"""The query parameters of the CDS endpoints, parsed and checked once."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _

from places import localtime

from .geo import BBox

FIRST_INSTANT = localtime.day_start(localtime.FIRST_DAY)
LAST_INSTANT = localtime.day_start(localtime.LAST_DAY)


class BadQuery(ValueError):
    """A query parameter the specification does not allow; answered with 400."""

    def __init__(self, description: str, details: list[str] | None = None):
        super().__init__(description)
        self.description = description
        self.details = details or []


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float
    radius_cm: float


@dataclass(frozen=True)
class CurbQuery:
    bbox: BBox | None = None
    point: Point | None = None
    time: dt.datetime | None = None
    area: str | None = None
    zone: str | None = None
    ids: frozenset[str] | None = None
    include_geometry: bool = True


def _number(params, name: str) -> float:
    try:
        return float(params[name])
    except ValueError as exc:
        raise BadQuery(f"{name} must be a number.", [name]) from exc


def _all_or_none(params, names: list[str]) -> bool:
    given = [n for n in names if params.get(n) not in (None, "")]
    if given and len(given) != len(names):
        raise BadQuery(f"Give all of {', '.join(names)} or none.", sorted(set(names) - set(given)))
    return bool(given)


def _uuid(value: str, name: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise BadQuery(f"{name} must be a UUID.", [name]) from exc


def from_millis(value: str, name: str = "time") -> dt.datetime:
    try:
        millis = int(value)
    except ValueError as exc:
        raise BadQuery(f"{name} must be a timestamp in milliseconds since 1970.", [name]) from exc
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=millis)


def instant(value: str, name: str = "time") -> dt.datetime:
    """A query's timestamp, within Venster's calendar (a year 9999 cannot be converted)."""
    moment = whole_number(value, name, lowest=to_millis(FIRST_INSTANT),
                          highest=to_millis(LAST_INSTANT))
    return from_millis(str(moment), name)


def whole_number(value: str, name: str, *, lowest: int, highest: int) -> int:
    """An integer written in ASCII digits, from lowest to highest; anything else is a BadQuery."""
    if not re.fullmatch(r"-?[0-9]{1,20}", value.strip()) or not (
            lowest <= int(value) <= highest):
        raise BadQuery(_("%(name)s must be a whole number from %(lowest)d to %(highest)d.")
                       % {"name": name, "lowest": lowest, "highest": highest}, [name])
    return int(value)


def to_millis(value: dt.datetime) -> int:
    return (value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)


def parse(params) -> CurbQuery:
    """Parse what the endpoint's query string gives; unknown parameters are ignored."""
    bbox = point = None
    if _all_or_none(params, ["min_lat", "min_lng", "max_lat", "max_lng"]):
        bbox = BBox(*(_number(params, n) for n in ["min_lat", "min_lng", "max_lat", "max_lng"]))
        if bbox.min_lat > bbox.max_lat or bbox.min_lng > bbox.max_lng:
            raise BadQuery("The bounding box has its minimum above its maximum.")
    if _all_or_none(params, ["lat", "lng", "radius"]):
        point = Point(_number(params, "lat"), _number(params, "lng"), _number(params, "radius"))
        if point.radius_cm < 0:
            raise BadQuery("radius must not be negative.", ["radius"])
    time = instant(params["time"]) if params.get("time") else None
    area = _uuid(params["area"], "area") if params.get("area") else None
    zone = _uuid(params["zone"], "zone") if params.get("zone") else None
    ids = None
    if params.get("ids"):
        ids = frozenset(_uuid(v.strip(), "ids") for v in params["ids"].split(",") if v.strip())
    include_geometry = params.get("include_geometry", "true").lower() != "false"
    return CurbQuery(bbox, point, time, area, zone, ids, include_geometry)
