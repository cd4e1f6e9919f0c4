"""Constructive plans: the first-come-first-served baseline and weight-first greedy.

FCFS is what an instant booking portal reaches and is the yardstick every
other plan must beat. Weight-first greedy fixes FCFS's two losses: it ignores
weight, and it books vehicles wherever they ask, fragmenting kerb time.
"""

from __future__ import annotations

import random

import numpy as np

from .model import Instance, Request
from .plan import Plan

GRID = 5  # the portal offers starts on a 5-minute grid


def grid_starts(req: Request, step: int = GRID) -> np.ndarray:
    """The portal's offer: grid starts in the window plus the (clamped) preferred start."""
    lo, hi = req.first_start, req.last_start
    if hi < lo:
        return np.empty(0, dtype=np.int64)
    grid = np.arange(lo + (-lo) % step, hi + 1, step, dtype=np.int64)
    pref = min(max(req.preferred_start, lo), hi)
    return np.union1d(grid, [pref])


def fcfs(inst: Instance) -> Plan:
    """Requests in ``submitted_seq`` order each take their best free grid slot, never moved."""
    plan = Plan(inst)
    for req in sorted(inst.requests, key=lambda r: r.submitted_seq):
        best = _best_on_grid(plan, req)
        if best is not None:
            plan.assign(req.index, best[1], best[2])
    return plan


def _best_on_grid(plan: Plan, req: Request) -> tuple[int, int, int] | None:
    """Highest-value free grid (value, bay, start); first option wins ties, like the portal."""
    if req.last_start < req.first_start or not plan.quota_allows(req):
        return None
    best = None
    pref = min(max(req.preferred_start, req.first_start), req.last_start)
    for opt in req.options:
        free = plan.timeline.free_starts(req, opt.bay)
        free = free[(free % GRID == 0) | (free == pref)]  # the same set as grid_starts()
        if len(free) == 0:
            continue
        s = int(free[np.argmin(np.abs(free - req.preferred_start))])  # earliest among ties
        v = req.value(opt.walk_cost, s)
        if best is None or v > best[0]:
            best = (v, opt.bay, s)
    return best


def placement_counts(inst: Instance) -> np.ndarray:
    """Static number of (bay, start) placements per request: small means hard to place."""
    return np.array([sum(len(inst.static_starts(r, o.bay)) for o in r.options)
                     for r in inst.requests], dtype=np.int64)


def weight_first(inst: Instance, *, step: int = 1, counts: np.ndarray | None = None,
                 rng: random.Random | None = None, noise: float = 0.0,
                 flush_bonus: int = 0) -> Plan:
    """Heaviest requests first, scarcest placements first among equals, each in its best slot.

    ``step > 1`` restricts starts to a grid (plus the preferred start), which
    packs durations that are multiples of the step without leaving slivers.
    ``noise`` jitters the scarcity order so repeated runs explore.
    """
    counts = placement_counts(inst) if counts is None else counts
    plan = Plan(inst)
    rng = rng or random.Random(0)
    key = {r.index: (-r.weight, counts[r.index] * (1 + noise * rng.random()), r.submitted_seq)
           for r in inst.requests}
    for req in sorted(inst.requests, key=lambda r: key[r.index]):
        best = best_slot(plan, req, step, flush_bonus)
        if best is not None:
            plan.assign(req.index, best[1], best[2])
    return plan


def best_slot(plan: Plan, req: Request, step: int = 1,
              flush_bonus: int = 0) -> tuple[int, int, int, float] | None:
    """Highest-value (value, bay, start) where ``req`` fits into ``plan`` now, or None.

    ``flush_bonus`` scores a start that sits against an occupied or closed
    minute as that many points better: parking flush leaves no unusable sliver.
    """
    if not plan.quota_allows(req):
        return None
    grid = grid_starts(req, step) if step > 1 else None
    best = None
    for opt in req.options:
        free = plan.timeline.free_starts(req, opt.bay)
        if grid is not None:
            free = np.intersect1d(free, grid)
        if len(free) == 0:
            continue
        score = -np.abs(free - req.preferred_start)
        if flush_bonus:
            score = score + flush_bonus * _flush(free)
        k = int(np.argmax(score))
        s = int(free[k])
        v = req.value(opt.walk_cost, s)
        if best is None or v + score[k] + abs(s - req.preferred_start) > best[3]:
            best = (v, opt.bay, s, float(v + score[k] + abs(s - req.preferred_start)))
    return best


def _flush(free: np.ndarray) -> np.ndarray:
    """1 where a start begins or ends a run of consecutive free starts, else 0."""
    edge = np.zeros(len(free), dtype=np.int64)
    gaps = np.flatnonzero(np.diff(free) != 1)
    edge[[0, -1]] = 1
    edge[gaps] = 1
    edge[gaps + 1] = 1
    return edge


def fill(plan: Plan, order: list[int] | None = None) -> int:
    """Serve any unserved request that still fits somewhere; returns how many were added."""
    reqs = plan.inst.requests
    order = order if order is not None else sorted(
        (r.index for r in reqs), key=lambda i: -reqs[i].weight)
    added = 0
    for r in order:
        if plan.bay_of[r] >= 0:
            continue
        best = best_slot(plan, reqs[r])
        if best is not None:
            plan.assign(r, best[1], best[2])
            added += 1
    return added
