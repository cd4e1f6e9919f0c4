"""Distance and travel-time matrices: haversine with a detour factor, or a road matrix
given with the problem (``Problem.matrix``; the hubs app fetches one from OSRM)."""

from __future__ import annotations

import math

from .problem import Problem, Site, Stop

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _has_latlon(p: Site | Stop) -> bool:
    return p.lat is not None and p.lon is not None


def point_distance_m(a: Site | Stop, b: Site | Stop, detour_factor: float = 1.3) -> float:
    """Estimated road distance between two points: haversine (lat/lon) or Euclidean (x/y,
    metres), times ``detour_factor``."""
    if _has_latlon(a) and _has_latlon(b):
        d = haversine_m(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
    elif None not in (a.x, a.y, b.x, b.y):
        d = math.hypot(a.x - b.x, a.y - b.y)  # type: ignore[operator]
    else:
        raise ValueError(f"points {a.id!r} and {b.id!r} need both lat/lon or both x/y")
    return d * detour_factor


def locations(problem: Problem) -> list[Site | Stop]:
    """All distinct locations of a problem: depots, disposal sites, stops (in that order)."""
    seen: dict[str, Site | Stop] = {}
    points: list[Site | Stop] = [*problem.depots, *problem.disposal_sites, *problem.stops]
    for p in points:
        if p.id in seen:
            raise ValueError(f"duplicate location id {p.id!r}")
        seen[p.id] = p
    return list(seen.values())


def distance_matrix(problem: Problem) -> tuple[list[str], list[list[int]], list[list[int]] | None]:
    """(ids, distance matrix in metres, duration matrix in seconds or None) for a problem.

    Uses ``problem.matrix`` when supplied (reordered to the location order), otherwise
    haversine/Euclidean times the detour factor.
    """
    locs = locations(problem)
    ids = [p.id for p in locs]
    if problem.matrix is not None:
        m = problem.matrix
        pos = {mid: i for i, mid in enumerate(m.ids)}
        missing = [i for i in ids if i not in pos]
        if missing:
            raise ValueError(f"matrix lacks ids {missing[:5]}")
        order = [pos[i] for i in ids]
        dist = [[int(m.distance[a][b]) for b in order] for a in order]
        dur = None
        if m.duration is not None:
            dur = [[int(m.duration[a][b]) for b in order] for a in order]
        return ids, dist, dur
    dist = [
        [0 if i == j else round(point_distance_m(a, b, problem.detour_factor)) for j, b in
         enumerate(locs)]
        for i, a in enumerate(locs)
    ]
    return ids, dist, None


def travel_seconds(distance_m: int, speed_kmh: float) -> int:
    """Travel time in whole seconds, rounded up."""
    return math.ceil(distance_m * 3.6 / speed_kmh) if distance_m > 0 else 0
