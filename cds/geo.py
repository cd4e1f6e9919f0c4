"""Plain geometry on WGS 84 for the CDS endpoints: no GIS library needed.

Venster stores a bay as a point and a kerb length, not a polygon. CDS wants a
polygon, so a bay is drawn as a rectangle of its kerb length by BAY_WIDTH_CM
centred on its point and aligned east-west. Documented in docs/cds.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from places.geojson import right_hand_rule

EARTH_RADIUS_CM = 6_371_008.8 * 100
BAY_WIDTH_CM = 250
CM_PER_DEGREE_LAT = 11_132_000


@dataclass(frozen=True)
class BBox:
    min_lat: float
    min_lng: float
    max_lat: float
    max_lng: float

    def intersects(self, other: BBox) -> bool:
        return not (other.min_lat > self.max_lat or other.max_lat < self.min_lat
                    or other.min_lng > self.max_lng or other.max_lng < self.min_lng)

    def union(self, other: BBox) -> BBox:
        return BBox(min(self.min_lat, other.min_lat), min(self.min_lng, other.min_lng),
                    max(self.max_lat, other.max_lat), max(self.max_lng, other.max_lng))

    def polygon(self) -> dict:
        return _polygon(self.min_lat, self.min_lng, self.max_lat, self.max_lng)

    def distance_cm(self, lat: float, lng: float) -> float:
        """0 inside the box, else the distance to its nearest point."""
        near_lat = min(max(lat, self.min_lat), self.max_lat)
        near_lng = min(max(lng, self.min_lng), self.max_lng)
        return distance_cm(lat, lng, near_lat, near_lng)


def _polygon(min_lat, min_lng, max_lat, max_lng) -> dict:
    ring = [[min_lng, min_lat], [max_lng, min_lat], [max_lng, max_lat], [min_lng, max_lat],
            [min_lng, min_lat]]
    return right_hand_rule(
        {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]})


def _lng_cm(lat: float) -> float:
    return CM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6)


def rectangle(lat: float, lng: float, length_cm: float, width_cm: float = BAY_WIDTH_CM) -> BBox:
    half_lng = (length_cm / 2) / _lng_cm(lat)
    half_lat = (width_cm / 2) / CM_PER_DEGREE_LAT
    return BBox(lat - half_lat, lng - half_lng, lat + half_lat, lng + half_lng)


def split_east_west(box: BBox, parts: int) -> list[BBox]:
    """`parts` equal slices of a rectangle, west to east."""
    step = (box.max_lng - box.min_lng) / parts
    return [BBox(box.min_lat, box.min_lng + i * step, box.max_lat, box.min_lng + (i + 1) * step)
            for i in range(parts)]


def polygon_bbox(geometry: dict) -> BBox | None:
    """The bounding box of a GeoJSON Polygon, or None when it is not one."""
    if not is_polygon(geometry):
        return None
    lngs, lats = zip(*(p[:2] for p in geometry["coordinates"][0]), strict=True)
    return BBox(min(lats), min(lngs), max(lats), max(lngs))


def _is_position(value) -> bool:
    return (isinstance(value, list) and len(value) in (2, 3)
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)
            and -180 <= value[0] <= 180 and -90 <= value[1] <= 90)


def is_polygon(geometry) -> bool:
    """A GeoJSON Polygon (RFC 7946, 3.1.6): closed rings of at least four positions."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        return False
    rings = geometry.get("coordinates")
    return (isinstance(rings, list) and bool(rings) and all(
        isinstance(ring, list) and len(ring) >= 4 and all(map(_is_position, ring))
        and ring[0] == ring[-1] for ring in rings))


def distance_cm(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in centimetres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_CM * math.asin(math.sqrt(a))
