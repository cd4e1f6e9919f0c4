"""Serve every demand point from a given set of open sites at least cost.

With the open sites fixed, what is left is a transportation problem, solved exactly
as a minimum-cost flow. The flow needs whole numbers: demand is counted in units small
enough that every demand is whole (the amounts in practice are whole pallets, litres
or OR-Library's integers), and the cost per unit is scaled to integers so finely that
rounding moves the total by far less than the tolerance of the solvers' gaps; the
returned cost is recomputed exactly from the shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .instance import SitingInstance

#: largest scaled cost per unit of flow; int64 arithmetic keeps a wide margin above it
COST_RESOLUTION = 10**9
#: demand is counted in these fractions of its unit when it is not whole
QUANTA = (1, 10, 100, 1000)


@dataclass(frozen=True)
class Transport:
    cost: float  # serving cost alone, no fixed costs
    shares: list[tuple[int, int, float]]  # (point, site, share)
    load: np.ndarray  # per open site, in the instance's demand unit


def demand_quantum(inst: SitingInstance) -> int:
    for quantum in QUANTA:
        scaled = inst.demand * quantum
        if np.allclose(scaled, np.round(scaled)):
            return quantum
    return QUANTA[-1]


def serve(inst: SitingInstance, open_sites: Sequence[int]) -> Transport | None:
    """The cheapest way to serve all demand from ``open_sites``; None when they cannot
    hold it."""
    sites = np.asarray(sorted({int(s) for s in open_sites}), dtype=np.int64)
    quantum = demand_quantum(inst)
    units = np.round(inst.demand * quantum).astype(np.int64)
    room = np.floor(inst.capacity[sites] * quantum + 1e-9).astype(np.int64)
    total = int(units.sum())
    if len(sites) == 0 or int(room.sum()) < total:
        return None
    k, n = len(sites), inst.points
    served = units > 0
    points = np.flatnonzero(served)
    # nodes: open sites 0..k-1, points k..k+n-1, a sink k+n for room left unused
    per_unit = inst.cost[np.ix_(sites, points)] / units[points]
    scale = COST_RESOLUTION / max(float(per_unit.max()), 1e-12)
    unit_cost = np.round(per_unit * scale).astype(np.int64)
    tails = np.repeat(np.arange(k), len(points))
    heads = k + np.tile(points, k)
    arc_caps = np.tile(units[points], k)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, arc_caps, unit_cost.reshape(-1))
    spare = int(room.sum()) - total
    sink = k + n
    flow.add_arcs_with_capacity_and_unit_cost(np.arange(k), np.full(k, sink), room,
                                              np.zeros(k, dtype=np.int64))
    supplies = np.zeros(k + n + 1, dtype=np.int64)
    supplies[:k] = room
    supplies[k:k + n] = -units
    supplies[sink] = -spare
    flow.set_nodes_supplies(np.arange(k + n + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    flows = flow.flows(np.arange(k * len(points))).reshape(k, len(points))
    shares: list[tuple[int, int, float]] = []
    cost = 0.0
    load = np.zeros(k)
    for a, b in zip(*np.nonzero(flows), strict=True):
        point = int(points[b])
        share = float(flows[a, b]) / float(units[point])
        site = int(sites[a])
        shares.append((point, site, share))
        cost += float(inst.cost[site, point]) * share
        load[a] += float(inst.demand[point]) * share
    # a point without demand costs nothing wherever it goes: the cheapest open site
    for empty in np.flatnonzero(~served):
        site = int(sites[np.argmin(inst.cost[sites, empty])])
        shares.append((int(empty), site, 1.0))
        cost += float(inst.cost[site, empty])
    shares.sort()
    return Transport(cost, shares, load)
