"""A lower bound by Lagrangian relaxation, and the sites it suggests.

The constraints "every point is fully served" are priced with multipliers ``lam``.
What remains splits per site: an open site serves, up to its capacity, the points
whose priced cost is negative, cheapest per unit of demand first (a continuous
knapsack), and is worth opening for that value plus its fixed cost. The sites are
then chosen, cheapest value first, so that together they can hold all demand: for
sites of equal capacity that choice is exact, otherwise its linear relaxation is
used, which still gives a valid bound. The multipliers follow subgradient steps
(Held, Wolfe and Crowder 1974) towards the best known plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .instance import SitingInstance


@dataclass
class Relaxed:
    bound: float
    site_value: np.ndarray  # fixed cost + best priced serving value, per site
    chosen: np.ndarray  # bool per site: opened in the relaxed plan
    served: np.ndarray  # sites x points: share served in the relaxed plan (chosen rows)


def site_values(inst: SitingInstance, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per site, its fixed cost plus the best priced value of serving points, and the
    shares that reach it."""
    priced = inst.cost - lam[None, :]
    demand = np.broadcast_to(inst.demand, priced.shape)
    per_unit = np.where(demand > 0, priced / np.maximum(demand, 1e-12), priced)
    order = np.argsort(per_unit, axis=1)
    priced_sorted = np.take_along_axis(priced, order, axis=1)
    demand_sorted = np.take_along_axis(demand, order, axis=1)
    before = np.cumsum(demand_sorted, axis=1) - demand_sorted
    room = inst.capacity[:, None] - before
    share = np.where(demand_sorted > 0, room / np.maximum(demand_sorted, 1e-12), 1.0)
    share = np.clip(share, 0.0, 1.0) * (priced_sorted < 0)
    value = inst.fixed_cost + (priced_sorted * share).sum(axis=1)
    served = np.zeros_like(share)
    np.put_along_axis(served, order, share, axis=1)
    return value, served


def choose_sites(inst: SitingInstance, value: np.ndarray, *, must_open: np.ndarray,
                 may_open: np.ndarray) -> tuple[float, np.ndarray]:
    """Cheapest sites (sum of values) that can hold all demand: the pinned ones, every
    site of negative value, then the cheapest others. Returns the relaxed cost and the
    sites taken."""
    chosen = must_open | ((value < 0) & may_open)
    cost = float(value[chosen].sum())
    missing = float(inst.demand.sum() - inst.capacity[chosen].sum())
    rest = np.flatnonzero(~chosen & may_open)
    if missing <= 1e-9 or len(rest) == 0:
        return cost, chosen
    capacity = inst.capacity[rest]
    if np.allclose(capacity, capacity[0]):
        # equal capacities: the cheapest few that are enough is the exact choice
        count = math.ceil(missing / float(capacity[0]) - 1e-9)
        taken = rest[np.argsort(value[rest], kind="stable")[:count]]
        chosen[taken] = True
        return cost + float(value[taken].sum()), chosen
    # otherwise the linear relaxation: cheapest per unit of capacity, the last in part
    for site in rest[np.argsort(value[rest] / np.maximum(capacity, 1e-12), kind="stable")]:
        chosen[site] = True
        share = min(1.0, missing / float(inst.capacity[site]))
        cost += float(value[site]) * share
        missing -= float(inst.capacity[site])
        if missing <= 1e-9:
            break
    return cost, chosen


def relax(inst: SitingInstance, lam: np.ndarray, *, must_open: np.ndarray,
          may_open: np.ndarray) -> Relaxed:
    value, served = site_values(inst, lam)
    cost, chosen = choose_sites(inst, value, must_open=must_open, may_open=may_open)
    return Relaxed(float(lam.sum()) + cost, value, chosen, served)


def start_multipliers(inst: SitingInstance) -> np.ndarray:
    """The cheapest way to serve each point: a fair price for it before any step."""
    return np.asarray(inst.cost.min(axis=0), dtype=float)


@dataclass
class Subgradient:
    """Subgradient ascent on the multipliers, with the step halved after ``patience``
    steps without a better bound."""

    inst: SitingInstance
    must_open: np.ndarray
    may_open: np.ndarray
    step_scale: float = 2.0
    patience: int = 30

    def __post_init__(self) -> None:
        self.lam = start_multipliers(self.inst)
        self.best_bound = -math.inf
        self.best_lam = self.lam.copy()
        self.stale = 0

    def step(self, target: float) -> Relaxed:
        """One step towards ``target`` (the best known plan's cost)."""
        relaxed = relax(self.inst, self.lam, must_open=self.must_open, may_open=self.may_open)
        if relaxed.bound > self.best_bound + 1e-9 * abs(relaxed.bound):
            self.best_bound, self.best_lam, self.stale = relaxed.bound, self.lam.copy(), 0
        else:
            self.stale += 1
            if self.stale >= self.patience:
                self.step_scale, self.stale = self.step_scale / 2, 0
        direction = 1.0 - (relaxed.served * relaxed.chosen[:, None]).sum(axis=0)
        norm = float(direction @ direction)
        if norm > 1e-12:
            gap = max(target - relaxed.bound, 1e-6 * abs(target))
            self.lam = self.lam + self.step_scale * gap / norm * direction
        return relaxed
