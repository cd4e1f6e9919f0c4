"""Local search over the set of open sites, each candidate set priced exactly by the
transportation problem (``transport.serve``).

Moves: close a site, open a site, or swap one for another. Exact evaluation costs a
minimum-cost flow, so only the most promising moves are tried, ranked by the sites'
Lagrangian values (``lagrangian.site_values``): an open site of high value is the first
to close, a closed site of low value the first to open.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .instance import SitingInstance
from .transport import Transport, serve


@dataclass
class Plan:
    open_sites: frozenset[int]
    transport: Transport
    cost: float


class Evaluator:
    """Exact cost of a set of open sites, remembered: the search revisits sets."""

    def __init__(self, inst: SitingInstance, *, must_open: Iterable[int] = (),
                 open_count: int | None = None) -> None:
        self.inst = inst
        self.must_open = frozenset(must_open)
        self.open_count = open_count
        self.seen: dict[frozenset[int], Plan | None] = {}
        self.calls = 0

    def plan(self, open_sites: Iterable[int]) -> Plan | None:
        key = frozenset(int(s) for s in open_sites)
        if key in self.seen:
            return self.seen[key]
        result = None
        allowed = self.must_open <= key and (self.open_count in (None, len(key)))
        if allowed:
            self.calls += 1
            transport = serve(self.inst, sorted(key))
            if transport is not None:
                fixed = float(self.inst.fixed_cost[sorted(key)].sum())
                result = Plan(key, transport, fixed + transport.cost)
        self.seen[key] = result
        return result


def improve(evaluator: Evaluator, start: Plan, site_value: np.ndarray, deadline: float,
            *, width: int = 6) -> Plan:
    """Best-improvement descent over close, open and swap moves among the ``width``
    most promising sites of each kind, until no tried move improves or time is up."""
    best = start
    sites = evaluator.inst.sites
    while time.monotonic() < deadline:
        is_open = np.zeros(sites, dtype=bool)
        is_open[list(best.open_sites)] = True
        closable = [s for s in np.flatnonzero(is_open)[np.argsort(-site_value[is_open])]
                    if s not in evaluator.must_open][:width]
        openable = list(np.flatnonzero(~is_open)[np.argsort(site_value[~is_open])][:2 * width])
        moves = [best.open_sites - {c} for c in closable]
        moves += [best.open_sites | {o} for o in openable]
        moves += [(best.open_sites - {c}) | {o} for c in closable for o in openable]
        improved = None
        for move in moves:
            if time.monotonic() >= deadline:
                break
            plan = evaluator.plan(move)
            if plan is not None and plan.cost < (improved or best).cost - 1e-9:
                improved = plan
        if improved is None:
            return best
        best = improved
    return best
