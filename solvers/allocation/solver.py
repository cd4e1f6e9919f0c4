"""The batch allocator: best constructive plan, then exact pieces until the time limit."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from . import greedy, lns
from .bound import lp_bound
from .exchange import solution_dict
from .model import DAY, Instance
from .piece import build_piece, settle, solve_piece
from .plan import Plan

# Below this many static (request, bay, start) placements the whole day is one
# CP-SAT model at minute level, which can prove optimality outright.
EXACT_LIMIT = 6000

Progress = Callable[[dict], None] | None


def solve(instance: dict, *, time_limit: float, workers: int = 2, seed: int = 0,
          progress: Progress = None, bound_time_limit: float = 0.0) -> dict:
    """Plan one day; never worse than FCFS, returns its best plan when time runs out.

    ``bound_time_limit > 0`` additionally spends up to that long, after the
    search, on the LP bound so the reported bound (and gap) is meaningful.
    """
    started = time.monotonic()
    deadline = started + time_limit
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
        bound = min(bound, int(lp_bound(inst, time_limit=bound_time_limit)))
    _report(progress, "done", plan, bound, started)
    status = "OPTIMAL" if plan.objective >= bound else "FEASIBLE"
    return solution_dict(inst, plan, status=status, bound=bound, seconds=seconds)


def _start_plan(inst: Instance, deadline: float, progress: Progress, started: float):
    """The best of FCFS and weight-first greedy, with and without flush parking."""
    best = greedy.fcfs(inst)
    _report(progress, "fcfs", best, None, started)
    counts = greedy.placement_counts(inst)
    for flush_bonus in (100, 0):
        if time.monotonic() >= deadline:
            break
        plan = greedy.weight_first(inst, counts=counts, flush_bonus=flush_bonus)
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


def _report(progress: Progress, phase: str, plan: Plan, bound, started: float) -> None:
    if progress is not None:
        progress({"phase": phase, "objective": plan.objective, "bound": bound,
                  "elapsed": time.monotonic() - started})
