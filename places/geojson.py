"""GeoJSON polygons in the orientation RFC 7946 requires: the right-hand rule.

RFC 7946, section 3.1.6: "A linear ring MUST follow the right-hand rule with respect
to the area it bounds, i.e., exterior rings are counterclockwise, and holes are
clockwise." A boundary drawn by hand or imported from another tool may run either way,
so every place that emits a polygon (the API, the CDS feed) passes it through
right_hand_rule(), and a zone's boundary is stored that way when it is saved through a
form (Zone.clean).
"""

from __future__ import annotations

from itertools import pairwise


def _twice_signed_area(ring: list) -> float:
    """The shoelace sum on (longitude, latitude): positive when the ring runs
    counter-clockwise. Plane geometry is enough to tell the direction of a city's ring."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in pairwise(ring))


def _oriented(ring: list, *, counter_clockwise: bool) -> list:
    if (_twice_signed_area(ring) > 0) == counter_clockwise:
        return list(ring)
    return list(reversed(ring))


def _polygon(rings: list) -> list:
    """The first ring is the exterior (counter-clockwise), the others are holes (clockwise)."""
    return [_oriented(ring, counter_clockwise=index == 0) for index, ring in enumerate(rings)]


def right_hand_rule(geometry):
    """A Polygon or MultiPolygon with its rings turned the RFC 7946 way; anything else as is.

    A geometry too malformed to orient is returned unchanged: validating it is not
    this function's job.
    """
    if not isinstance(geometry, dict):
        return geometry
    try:
        if geometry.get("type") == "Polygon":
            return {**geometry, "coordinates": _polygon(geometry["coordinates"])}
        if geometry.get("type") == "MultiPolygon":
            return {**geometry, "coordinates": [_polygon(p) for p in geometry["coordinates"]]}
    except (KeyError, TypeError, ValueError):
        return geometry
    return geometry


def follows_right_hand_rule(geometry: dict) -> bool:
    """True when every ring of a Polygon or MultiPolygon already turns the RFC 7946 way."""
    return right_hand_rule(geometry) == geometry
