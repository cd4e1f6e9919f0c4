"""The routing instance: the problem's stops, depots and disposal copies as numbered
nodes with their matrices, loads and allowed vehicles, and the checks on node sequences
that every phase shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .distances import distance_matrix, travel_seconds
from .problem import Problem


@dataclass
class Node:
    kind: str  # "depot", "disposal", "stop"
    ref: str  # id of the site or stop
    loc: int  # location index into the matrices
    service: int
    window: tuple[int, int]
    site_index: int = -1


@dataclass
class Instance:
    problem: Problem
    nodes: list[Node]
    dims: list[str]
    dist: list[list[int]]  # node x node
    time_by_cat: dict[str, list[list[int]]]  # node x node travel time (no service)
    demand: dict[str, list[int]]  # node -> pickup - delivery
    delivery: dict[str, list[int]]
    mixed: set[str]  # dims with pickups and deliveries
    pickup_only: set[str]
    reload_amount: dict[str, list[int]]  # node -> negative amount at reload copies
    stop_nodes: list[int]
    depot_node: dict[str, int]
    unserved_reason: dict[str, str]
    allowed: dict[int, list[int]]  # node -> allowed vehicle indices (problem order)
    horizon: int
    log: list[str] = field(default_factory=list)


def _clean(amounts: Mapping[str, int]) -> dict[str, int]:
    return {k: int(v) for k, v in amounts.items() if v}


def build_instance(problem: Problem) -> Instance:
    ids, loc_dist, loc_dur = distance_matrix(problem)
    loc_index = {i: n for n, i in enumerate(ids)}
    dims = problem.dimensions()
    stops = problem.stops
    pick_dims = {d for s in stops for d, v in s.pickup.items() if v}
    dlv_dims = {d for s in stops for d, v in s.delivery.items() if v}
    mixed = pick_dims & dlv_dims
    pickup_only = pick_dims - dlv_dims
    depots = {d.id: d for d in problem.depots}
    for v in problem.vehicles:
        if v.depot not in depots:
            raise ValueError(f"vehicle {v.id!r} has unknown depot {v.depot!r}")

    nodes: list[Node] = []
    depot_node: dict[str, int] = {}
    for depot in problem.depots:
        depot_node[depot.id] = len(nodes)
        nodes.append(Node("depot", depot.id, loc_index[depot.id], 0, depot.window))

    horizon = max([v.shift_end for v in problem.vehicles] + [1])
    cats = sorted({v.category for v in problem.vehicles})

    def loc_time(cat: str, a: int, b: int) -> int:
        if loc_dur is not None:
            return loc_dur[a][b]
        speed = problem.speeds_kmh.get(cat, 25.0)
        return travel_seconds(loc_dist[a][b], speed)

    # Stops that no vehicle can serve on its own are reported, not modelled.
    unserved: dict[str, str] = {}
    allowed_by_stop: dict[str, list[int]] = {}
    seen: set[str] = set()
    for s in stops:
        if s.id in seen:
            raise ValueError(f"duplicate stop id {s.id!r}")
        seen.add(s.id)
        cand = [vi for vi, v in enumerate(problem.vehicles)
                if (v.allowed_stops is None or s.id in v.allowed_stops)
                and (v.zero_emission or not s.zero_emission_only)]
        if not cand:
            unserved[s.id] = ("no zero-emission vehicle may visit this stop"
                              if s.zero_emission_only else
                              "no vehicle is allowed to visit this stop")
            continue
        pick, dlv = _clean(s.pickup), _clean(s.delivery)
        fits = [vi for vi in cand if all(
            pick.get(d, 0) <= problem.vehicles[vi].capacity.get(d, 0)
            and dlv.get(d, 0) <= problem.vehicles[vi].capacity.get(d, 0)
            for d in set(pick) | set(dlv))]
        if not fits:
            unserved[s.id] = "amounts exceed the capacity of every allowed vehicle"
            continue
        reach = []
        sl = loc_index[s.id]
        for vi in fits:
            v = problem.vehicles[vi]
            dep = depots[v.depot]
            dl = loc_index[dep.id]
            t0 = max(v.shift_start, dep.window[0])
            t_end = min(v.shift_end, dep.window[1])
            arr = t0 + loc_time(v.category, dl, sl)
            start = max(arr, s.window[0])
            back = start + s.service_time + loc_time(v.category, sl, dl)
            if start <= s.window[1] and back <= t_end:
                reach.append(vi)
        if not reach:
            unserved[s.id] = "time window cannot be reached within any vehicle's shift"
            continue
        allowed_by_stop[s.id] = reach

    # Reload copies of disposal sites.
    n_reload_per_site = 0
    if problem.disposal_sites and pickup_only:
        extra = sum(max(0, v.max_trips - 1) for v in problem.vehicles)
        n_reload_per_site = min(extra, 60)
    for si, site in enumerate(problem.disposal_sites):
        for _ in range(n_reload_per_site):
            nodes.append(Node("disposal", site.id, loc_index[site.id], site.service_time,
                               site.window, si))
    stop_nodes = []
    allowed: dict[int, list[int]] = {}
    for s in stops:
        if s.id in unserved:
            continue
        stop_nodes.append(len(nodes))
        allowed[len(nodes)] = allowed_by_stop[s.id]
        nodes.append(Node("stop", s.id, loc_index[s.id], s.service_time, s.window))

    n = len(nodes)
    locs = [nd.loc for nd in nodes]
    dist = [[loc_dist[a][b] for b in locs] for a in locs]
    time_by_cat = {c: [[loc_time(c, a, b) for b in locs] for a in locs] for c in cats}
    stop_by_id = {s.id: s for s in stops}
    demand = {d: [0] * n for d in dims}
    delivery = {d: [0] * n for d in dims}
    reload_amount = {d: [0] * n for d in dims}
    for i, nd in enumerate(nodes):
        if nd.kind == "stop":
            s = stop_by_id[nd.ref]
            for d in dims:
                demand[d][i] = int(s.pickup.get(d, 0)) - int(s.delivery.get(d, 0))
                delivery[d][i] = int(s.delivery.get(d, 0))
        elif nd.kind == "disposal":
            site = problem.disposal_sites[nd.site_index]
            for d in pickup_only:
                if site.accepts is None or d in site.accepts:
                    big = max([v.capacity.get(d, 0) for v in problem.vehicles] + [0])
                    reload_amount[d][i] = -big
    return Instance(problem, nodes, dims, dist, time_by_cat, demand, delivery, mixed,
                    pickup_only, reload_amount, stop_nodes, depot_node, unserved, allowed,
                    horizon)


def min_vehicles_bound(inst: Instance) -> int:
    """Lower bound on vehicles: total amount per dimension / largest capacity (without
    disposal sites), at least 1 if there is anything to serve."""
    if not inst.stop_nodes:
        return 0
    if inst.problem.disposal_sites:
        return 1
    lb = 1
    for d in inst.dims:
        caps = sorted((v.capacity.get(d, 0) for v in inst.problem.vehicles), reverse=True)
        tot_p = sum(max(0, inst.demand[d][i] + inst.delivery[d][i]) for i in inst.stop_nodes)
        tot_d = sum(inst.delivery[d][i] for i in inst.stop_nodes)
        need = max(tot_p, tot_d)
        k, acc = 0, 0
        while acc < need and k < len(caps):
            acc += caps[k]
            k += 1
        lb = max(lb, k)
    return lb


def on_time(inst: Instance, v: int, route: list[int]) -> bool:
    """Whether a node sequence meets every window and the vehicle's shift end."""
    p = inst.problem
    veh = p.vehicles[v]
    depot = inst.depot_node[veh.depot]
    dep = inst.nodes[depot]
    tm = inst.time_by_cat[veh.category]
    t = max(veh.shift_start, dep.window[0])
    prev = depot
    for i in route:
        nd = inst.nodes[i]
        t = max(t + inst.nodes[prev].service + tm[prev][i], nd.window[0])
        if t > nd.window[1]:
            return False
        prev = i
    t += inst.nodes[prev].service + tm[prev][depot]
    return t <= min(veh.shift_end, dep.window[1])


def first_late(inst: Instance, v: int, route: list[int]) -> int | None:
    veh = inst.problem.vehicles[v]
    depot = inst.depot_node[veh.depot]
    tm = inst.time_by_cat[veh.category]
    t = max(veh.shift_start, inst.nodes[depot].window[0])
    prev = depot
    for k, i in enumerate(route):
        nd = inst.nodes[i]
        t = max(t + inst.nodes[prev].service + tm[prev][i], nd.window[0])
        if t > nd.window[1]:
            return k
        prev = i
    return None


def route_distance(inst: Instance, depot: int, route: list[int]) -> int:
    if not route:
        return 0
    seq = [depot, *route, depot]
    return sum(inst.dist[a][b] for a, b in zip(seq, seq[1:], strict=False))


def strip_reloads(inst: Instance, route: list[int]) -> list[int]:
    """Drop disposal visits that are not followed by a stop (useless trailing reloads)."""
    out = list(route)
    while out and inst.nodes[out[-1]].kind == "disposal":
        out.pop()
    return out
