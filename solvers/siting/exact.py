"""The capacitated facility location model as a mixed-integer program (SCIP through
OR-Tools), for instances small enough to prove optimal in seconds, and for studies that
fix how many sites open.

The rows ``x[i, j] <= y[i]`` are redundant with the capacity rows for integer ``y`` but
make the linear relaxation much tighter, which is what lets the search close.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from ortools.linear_solver import pywraplp  # type: ignore[attr-defined]  # a SWIG module without stubs

from .instance import SitingInstance, SitingSolution

#: shares below this are noise of the simplex and are left out of the plan
SHARE_EPSILON = 1e-9


def solve_exact(inst: SitingInstance, *, time_limit: float, must_open: Iterable[int] = (),
                open_count: int | None = None) -> SitingSolution | None:
    """Optimal (or best found in ``time_limit``) plan; None when no plan exists or none
    was found in time."""
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("SCIP")
    m, n = inst.sites, inst.points
    y = [solver.BoolVar(f"open_{i}") for i in range(m)]
    x = [[solver.NumVar(0.0, 1.0, f"share_{i}_{j}") for j in range(n)] for i in range(m)]
    for j in range(n):
        solver.Add(sum(x[i][j] for i in range(m)) == 1)
    for i in range(m):
        solver.Add(sum(float(inst.demand[j]) * x[i][j] for j in range(n))
                   <= float(inst.capacity[i]) * y[i])
        for j in range(n):
            solver.Add(x[i][j] <= y[i])
    for i in must_open:
        solver.Add(y[i] == 1)
    if open_count is not None:
        solver.Add(sum(y) == open_count)
    solver.Minimize(sum(float(inst.fixed_cost[i]) * y[i] for i in range(m))
                    + sum(float(inst.cost[i, j]) * x[i][j] for i in range(m) for j in range(n)))
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    open_sites = [i for i in range(m) if y[i].solution_value() > 0.5]
    shares = [(j, i, x[i][j].solution_value()) for j in range(n) for i in open_sites
              if x[i][j].solution_value() > SHARE_EPSILON]
    shares = _normalised(shares)
    value = solver.Objective().Value()
    bound = solver.Objective().BestBound() if status == pywraplp.Solver.FEASIBLE else value
    return SitingSolution(open_sites, shares, value, bound,
                          "optimal" if status == pywraplp.Solver.OPTIMAL else "feasible",
                          time.monotonic() - started)


def _normalised(shares: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Each point's shares scaled to sum to exactly 1 (the simplex leaves 1 +- 1e-12)."""
    total: dict[int, float] = {}
    for j, _, share in shares:
        total[j] = total.get(j, 0.0) + share
    return [(j, i, min(1.0, share / total[j])) for j, i, share in shares]
