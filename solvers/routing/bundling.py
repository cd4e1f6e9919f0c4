"""Effect of bundling: trips into the zone and vehicle-kilometres, plan vs unbundled."""

from __future__ import annotations

from dataclasses import dataclass

from .distances import distance_matrix
from .problem import Problem, Solution


@dataclass(frozen=True)
class BundlingReport:
    """``trips``: vehicle trips into the zone (a route with k disposal visits counts as
    k + 1 trips). ``km``: vehicle-kilometres. ``baseline_*``: every served stop's every
    stream (pickup or delivery dimension) done by its own trip from the nearest depot and
    back. ``*_saved_pct``: reduction in percent (0 when the baseline is 0)."""

    trips: int
    km: float
    baseline_trips: int
    baseline_km: float
    trips_saved_pct: float
    km_saved_pct: float


def bundling_report(problem: Problem, solution: Solution,
                    metres_per_unit: float = 1.0) -> BundlingReport:
    """Compare a plan with the unbundled baseline. ``metres_per_unit`` converts matrix
    units to metres when a caller's matrix is not in metres."""
    ids, dist, _ = distance_matrix(problem)
    pos = {i: k for k, i in enumerate(ids)}
    served = {v.id for r in solution.routes for v in r.visits if v.kind == "stop"}
    depots = [pos[d.id] for d in problem.depots]
    base_trips = 0
    base_dist = 0
    for s in problem.stops:
        if s.id not in served:
            continue
        streams = {d for d, v in s.pickup.items() if v} | {d for d, v in s.delivery.items() if v}
        n = max(1, len(streams))
        p = pos[s.id]
        rt = min(dist[d][p] + dist[p][d] for d in depots)
        base_trips += n
        base_dist += n * rt
    trips = sum(r.trips for r in solution.routes)
    km = solution.total_distance * metres_per_unit / 1000
    base_km = base_dist * metres_per_unit / 1000

    def pct(a: float, b: float) -> float:
        return round(100 * (b - a) / b, 2) if b else 0.0

    return BundlingReport(trips, round(km, 3), base_trips, round(base_km, 3),
                          pct(trips, base_trips), pct(km, base_km))
