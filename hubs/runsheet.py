"""A route drawn as a small SVG map, computed on the server (no tiles, no JavaScript)."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 640, 420, 30


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str
    kind: str


def svg_points(stops) -> list[MapPoint]:
    """Project the stops' coordinates onto the drawing, keeping distances true to scale.

    Longitude degrees shrink by cos(latitude); one scale for both axes keeps the shape.
    """
    stops = list(stops)
    if not stops:
        return []
    mid_lat = sum(s.latitude for s in stops) / len(stops)
    shrink = math.cos(math.radians(mid_lat))
    xs = [s.longitude * shrink for s in stops]
    ys = [s.latitude for s in stops]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-6
    scale = min(WIDTH, HEIGHT) - 2 * MARGIN
    points = []
    for stop, x, y in zip(stops, xs, ys, strict=True):
        points.append(MapPoint(
            x=round(MARGIN + (x - min(xs)) / span * scale, 1),
            y=round(HEIGHT - MARGIN - (y - min(ys)) / span * scale, 1),
            label=str(stop.sequence), kind=stop.kind,
        ))
    return points


def polyline(points: list[MapPoint]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)
