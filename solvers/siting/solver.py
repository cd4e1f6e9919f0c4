"""Hub siting: which candidate sites to open, and which share of each demand point each
serves, at least fixed plus serving cost, within the sites' capacities.

Small instances are solved exactly as a mixed-integer program (``exact.py``). Larger
ones by a Lagrangian heuristic: subgradient steps on the relaxation of ``lagrangian.py``
give a lower bound and, at each step, a set of sites that can hold the demand; the best
of those sets, priced exactly (``transport.py``), starts a local search over open sets
(``search.py``) that is kicked and restarted until the time is up.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .exact import solve_exact
from .instance import SitingInstance, SitingSolution
from .lagrangian import Subgradient, relax
from .search import Evaluator, Plan, improve

#: sites x points up to which the exact model proves the optimum in a few seconds
EXACT_SIZE = 2_500
#: a plan within this relative gap of its bound is reported optimal
OPTIMAL_GAP = 1e-6


@dataclass
class SitingOptions:
    time_limit: float = 60.0
    must_open: Sequence[int] = ()
    #: exactly this many sites open (a study's "1, 2 or 3 hubs"), or any number
    open_count: int | None = None
    seed: int = 0
    #: share of the time for the subgradient steps before the local search
    bound_share: float = 0.3
    log: bool = False
    exact_size: int = EXACT_SIZE
    notes: list[str] = field(default_factory=list)


def solve(inst: SitingInstance, options: SitingOptions | None = None) -> SitingSolution | None:
    """The best plan found in the time limit with its proven lower bound; None when the
    sites cannot hold the demand under the options."""
    opts = options or SitingOptions()
    started = time.monotonic()
    if inst.sites * inst.points > opts.exact_size:
        return _lagrangian_search(inst, opts, started, opts.time_limit)
    exact = solve_exact(inst, time_limit=opts.time_limit, must_open=opts.must_open,
                        open_count=opts.open_count)
    if exact is not None:
        exact.seconds = time.monotonic() - started
    return exact


def _lagrangian_search(inst: SitingInstance, opts: SitingOptions, started: float,
                       seconds: float) -> SitingSolution | None:
    deadline = started + seconds
    must_open = np.zeros(inst.sites, dtype=bool)
    must_open[list(opts.must_open)] = True
    may_open = np.ones(inst.sites, dtype=bool)
    evaluator = Evaluator(inst, must_open=opts.must_open, open_count=opts.open_count)
    ascent = Subgradient(inst, must_open, may_open)
    best = _first_plan(inst, evaluator, opts)
    log: list[str] = []

    bound_until = started + seconds * opts.bound_share
    steps = 0
    while time.monotonic() < bound_until:
        relaxed = ascent.step(best.cost if best else _upper_estimate(inst))
        steps += 1
        if steps % 10 == 1:
            candidate = evaluator.plan(_sized(relaxed.chosen, relaxed.site_value, opts))
            if candidate is not None and (best is None or candidate.cost < best.cost):
                best = candidate
        if best is not None and ascent.best_bound >= best.cost * (1 - OPTIMAL_GAP):
            break
    log.append(f"{steps} subgradient steps, bound {ascent.best_bound:.3f}")
    if best is None:
        return None

    values = relax(inst, ascent.best_lam, must_open=must_open, may_open=may_open).site_value
    rng = random.Random(opts.seed)
    current = improve(evaluator, best, values, deadline)
    best = current
    kicks = 0
    while time.monotonic() < deadline and best.cost > ascent.best_bound * (1 + OPTIMAL_GAP):
        kicked = _kick(evaluator, current, values, rng)
        if kicked is None:
            break
        current = improve(evaluator, kicked, values, deadline)
        kicks += 1
        if current.cost < best.cost:
            best = current
        elif rng.random() < 0.5:
            current = best
    log.append(f"local search: {evaluator.calls} plans priced, {kicks} kicks")
    return _solution(inst, best, ascent.best_bound, started, log)


def _first_plan(inst: SitingInstance, evaluator: Evaluator, opts: SitingOptions) -> Plan | None:
    """Every site open (when any number may open): a plan exists whenever any does."""
    if opts.open_count is None:
        return evaluator.plan(range(inst.sites))
    return None


def _upper_estimate(inst: SitingInstance) -> float:
    """A cost no plan exceeds: every site open, every point at its dearest site."""
    return float(inst.fixed_cost.sum() + inst.cost.max(axis=0).sum())


def _sized(chosen: np.ndarray, value: np.ndarray, opts: SitingOptions) -> list[int]:
    """The relaxed choice of sites, cut or filled to ``open_count`` by value."""
    sites = [int(s) for s in np.flatnonzero(chosen)]
    if opts.open_count is None:
        return sites
    pinned = set(opts.must_open)
    ranked = [int(s) for s in np.argsort(value) if int(s) not in pinned]
    return sorted(pinned | set(ranked[: max(0, opts.open_count - len(pinned))]))


def _kick(evaluator: Evaluator, plan: Plan, value: np.ndarray,
          rng: random.Random) -> Plan | None:
    """Swap two random open sites for two of the better closed ones: a nearby start that
    the descent alone would not reach."""
    closable = [s for s in plan.open_sites if s not in evaluator.must_open]
    closed = [int(s) for s in np.argsort(value) if int(s) not in plan.open_sites]
    for _ in range(20):
        out = set(rng.sample(closable, min(2, len(closable))))
        into = set(rng.sample(closed[: max(4, len(closed) // 4)], min(2, len(closed))))
        kicked = evaluator.plan((plan.open_sites - out) | into)
        if kicked is not None:
            return kicked
    return None


def _solution(inst: SitingInstance, plan: Plan, bound: float, started: float,
              log: list[str]) -> SitingSolution:
    bound = min(bound, plan.cost)
    gap = (plan.cost - bound) / max(abs(plan.cost), 1e-9)
    return SitingSolution(sorted(plan.open_sites), plan.transport.shares, plan.cost, bound,
                          "optimal" if gap <= OPTIMAL_GAP else "feasible",
                          time.monotonic() - started, log)
