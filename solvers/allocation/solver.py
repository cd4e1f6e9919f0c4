"""The batch allocator: best constructive plan, then exact pieces until the time limit."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from . import greedy, lns
from .bound import lp_bound
from .exchange import solution_dict
from .model import DAY, Instance
from .piece import build_piece, settle, solve_piece
from .plan import Plan

# Below this many static (request, bay, start) placements the whole day is one
# CP-SAT model at minute level, which can prove optimality outright.
EXACT_LIMIT = 6000

# Flush parking beat plain best-value parking on every Leiden-shaped day tried
# (+1.5 to +2 % objective), so only that greedy variant is run.
FLUSH_BONUS = 100

Progress = Callable[[dict[str, Any]], None] | None


def solve(instance: dict[str, Any], *, time_limit: float, workers: int = 2, seed: int = 0,
          progress: Progress = None, bound_time_limit: float = 0.0) -> dict[str, Any]:
    """Plan one day; never worse than FCFS, returns its best plan when time runs out.

    ``bound_time_limit > 0`` additionally spends up to that long, after the
    search, on the LP bound so the reported bound (and gap) is meaningful.
    """
    started = time.monotonic()
    # Leave a little room for in-flight pieces and writing the answer.
    deadline = started + time_limit - min(0.5, 0.02 * time_limit)
    inst = Instance.from_json(instance)
    plan, counts = _start_plan(inst, deadline, progress, started)
    bound = trivial_bound(inst)
    if int(counts.sum()) <= EXACT_LIMIT:
        bound = min(bound, _solve_exact(plan, deadline, workers, seed))
    if plan.objective < bound and time.monotonic() < deadline:
        lns.improve(plan, deadline, workers=workers, seed=seed, progress=progress,
                    started=started)
    seconds = time.monotonic() - started
    if bound_time_limit > 0 and plan.objective < bound:
        bound = min(bound, int(lp_bound(inst, time_limit=bound_time_limit,
                                        lower=plan.objective)))
    _report(progress, "done", plan, bound, started)
    status = "OPTIMAL" if plan.objective >= bound else "FEASIBLE"
    return solution_dict(inst, plan, status=status, bound=bound, seconds=seconds)


def _start_plan(inst: Instance, deadline: float, progress: Progress,
                started: float) -> tuple[Plan, np.ndarray]:
    """The better of FCFS and weight-first greedy with flush parking."""
    best = greedy.fcfs(inst)
    _report(progress, "fcfs", best, None, started)
    counts = greedy.placement_counts(inst)
    if time.monotonic() < deadline:
        plan = greedy.weight_first(inst, counts=counts, flush_bonus=FLUSH_BONUS)
        if plan.objective > best.objective:
            best = plan
    _report(progress, "greedy", best, None, started)
    return best, counts


def _solve_exact(plan: Plan, deadline: float, workers: int, seed: int) -> int:
    """Re-solve the whole day at minute level; returns CP-SAT's proven bound."""
    unserved = [int(r) for r in range(len(plan.inst.requests)) if plan.bay_of[r] < 0]
    piece = build_piece(plan, list(range(len(plan.inst.bays))), 0, DAY, unserved, step=1)
    left = deadline - time.monotonic()
    chosen, value, bound, _ = solve_piece(plan, piece, time_limit=left, workers=workers,
                                          seed=seed)
    settle(plan, piece, chosen, value)
    if bound is None:
        return trivial_bound(plan.inst)
    return int(math.floor(bound + 1e-6))


def trivial_bound(inst: Instance) -> int:
    """Every request served at its best conceivable value: weak but instant and valid."""
    total = 0
    for req in inst.requests:
        values = [req.value(o.walk_cost, int(s[abs(s - req.preferred_start).argmin()]))
                  for o in req.options if len(s := inst.static_starts(req, o.bay))]
        total += max(values, default=0)
    return total


def _report(progress: Progress, phase: str, plan: Plan, bound: float | None,
            started: float) -> None:
    if progress is not None:
        progress({"phase": phase, "objective": plan.objective, "bound": bound,
                  "elapsed": time.monotonic() - started})
