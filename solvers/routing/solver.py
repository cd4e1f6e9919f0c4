"""Vehicle routing on the OR-Tools routing solver.

Objective: fewest vehicles first, then least distance. The fleet size is not priced.
A first plan is found with the whole fleet (OR-Tools, guided local search), then routes
are removed one at a time: the fleet is fixed to one vehicle fewer and the removed
route's stops must be re-inserted. Where the instance allows an exact check (time
windows, shifts, pickup-only or delivery-only dimensions) this is done by an
ejection-pool search (``ejection.py``), followed if it fails by the fleet-minimisation
string search (``sisr.py``), and the first failure ends route removal (both mix the
stops of every route, so another candidate route rarely does better); otherwise by
OR-Tools local search from the previous routes with the removed stops unperformed
(optional stops with a large drop penalty), optionally alternating with a squeeze that
allows late service at a cost. After each removed route OR-Tools tidies the distance,
and the last fleet that served everything gets the remaining time for distance: a
fresh OR-Tools start, the string-removal search of ``sisr.py`` from the better plan
where the checks are exact, then OR-Tools from the best.

Multi-trip routes use optional copies of each disposal site ("reload" nodes). A reload
node has a transit of minus a large amount on every pickup-only dimension it accepts and
a slack of up to that amount, so the load after it can drop to zero; all other nodes
have zero slack.

Loads: per dimension d, on-board load = goods not yet delivered + waste collected. For a
dimension that has both pickups and deliveries the load dimension starts at the route's
total delivery (a constraint ties it to the end value of a delivery-count dimension)
and changes by pickup - delivery at each stop.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from .distances import distance_matrix, travel_seconds
from .ejection import remove_route
from .model import Problem, Route, Solution, Visit
from .sisr import improve_distance, serve_all

FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic
#: guided local search penalty weight; above OR-Tools' 0.1 it leaves the local optima of
#: the long routes that route removal leaves behind sooner (shorter Solomon R/RC plans)
GLS_LAMBDA = 0.3
INSERTION_OPERATORS = (
    "use_extended_swap_active",
    "use_relocate_and_make_active",
    "use_exchange_and_make_active",
    "use_inactive_lns",
)


@dataclass
class SolveOptions:
    """Search settings. ``time_limit`` is the wall-clock budget in seconds for the whole
    call; ``seed`` makes the choice among equal candidates reproducible."""

    time_limit: float = 10.0
    seed: int = 0
    minimise_vehicles: bool = True
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    #: share of the time budget for the first plan with the whole fleet
    first_share: float = 0.1
    #: share of the time budget after which no further vehicle removal is started
    removal_share: float = 0.8
    #: time for one local-search attempt at removing a route (where the ejection pool
    #: does not apply), as share of the budget
    attempt_share: float = 0.1
    #: lower bound on vehicles (stop removing routes when reached); computed if None
    min_vehicles: int | None = None
    #: cost per time unit of lateness in the fleet-squeeze attempts (0: drop-and-reinsert)
    squeeze_penalty: int = 0
    #: remove routes with the ejection-pool heuristic where it applies
    ejection: bool = True
    #: ejection pool: insert at the cheapest feasible place (else a random one)
    cheapest_insertion: bool = True
    #: ejection pool: random feasible moves after each ejection
    perturb_moves: int = 100
    #: longest single ejection-pool attempt, as share of the budget
    ejection_share: float = 0.5
    #: share of each route-removal attempt given to the string search after the pool
    strings_share: float = 0.5
    #: distance clean-up after each removed route, as share of the budget
    polish_share: float = 0.05
    #: number of drop/squeeze alternations in one removal attempt
    squeeze_rounds: int = 2
    #: cost per time unit of route duration in the route-removal attempts
    span_cost: int = 0
    #: first-solution strategy of a fresh start with the final fleet ("" to skip)
    fresh_first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    #: share of the final phase given to that fresh start
    fresh_share: float = 0.4
    #: share of the time left after the fresh start given to the string-removal search
    #: (``sisr.py``) where its checks are exact; OR-Tools gets the rest, from its routes
    sisr_share: float = 0.7
    #: extra local-search operators that insert unserved stops while moving others
    insertion_operators: bool = True
    log: bool = False


@dataclass
class _Node:
    kind: str  # "depot", "disposal", "stop"
    ref: str  # id of the site or stop
    loc: int  # location index into the matrices
    service: int
    window: tuple[int, int]
    site_index: int = -1


@dataclass
class _Instance:
    problem: Problem
    nodes: list[_Node]
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


def _clean(m: dict[str, int] | object) -> dict[str, int]:
    return {k: int(v) for k, v in dict(m).items() if v}  # type: ignore[call-overload]


def build_instance(problem: Problem) -> _Instance:
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

    nodes: list[_Node] = []
    depot_node: dict[str, int] = {}
    for d in problem.depots:
        depot_node[d.id] = len(nodes)
        nodes.append(_Node("depot", d.id, loc_index[d.id], 0, d.window))

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
            nodes.append(_Node("disposal", site.id, loc_index[site.id], site.service_time,
                               site.window, si))
    stop_nodes = []
    allowed: dict[int, list[int]] = {}
    for s in stops:
        if s.id in unserved:
            continue
        stop_nodes.append(len(nodes))
        allowed[len(nodes)] = allowed_by_stop[s.id]
        nodes.append(_Node("stop", s.id, loc_index[s.id], s.service_time, s.window))

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
    return _Instance(problem, nodes, dims, dist, time_by_cat, demand, delivery, mixed,
                     pickup_only, reload_amount, stop_nodes, depot_node, unserved, allowed,
                     horizon)


def min_vehicles_bound(inst: _Instance) -> int:
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


@dataclass
class _RunResult:
    routes: list[list[int]]  # per vehicle in subset: node list (no depots)
    dropped: list[int]
    distance: int
    objective: int


class _Model:
    """OR-Tools model over a subset of the fleet."""

    def __init__(self, inst: _Instance, vehicles: list[int], drop_penalty: int,
                 insertion_operators: tuple[str, ...] = (), soft_windows: int = 0,
                 span_cost: int = 0):
        """``soft_windows`` > 0: every stop is mandatory and late service (or a late
        return) is allowed at that cost per time unit; used to squeeze a fleet."""
        self.insertion_operators = insertion_operators
        self.soft = soft_windows
        self.inst = inst
        self.vehicles = vehicles
        p = inst.problem
        n = len(inst.nodes)
        starts = [inst.depot_node[p.vehicles[v].depot] for v in vehicles]
        self.manager = mgr = pywrapcp.RoutingIndexManager(n, len(vehicles), starts, starts)
        self.routing = r = pywrapcp.RoutingModel(mgr)
        solver = r.solver()
        self.node_index = [mgr.NodeToIndex(i) if inst.nodes[i].kind != "depot" else -1
                           for i in range(n)]

        dist_cb = r.RegisterTransitMatrix(inst.dist)
        r.SetArcCostEvaluatorOfAllVehicles(dist_cb)

        # Time: service at the origin plus travel.
        time_cb: dict[str, int] = {}
        for cat, m in inst.time_by_cat.items():
            svc = [nd.service for nd in inst.nodes]
            time_cb[cat] = r.RegisterTransitMatrix(
                [[svc[a] + m[a][b] for b in range(n)] for a in range(n)])
        horizon = inst.horizon
        cap_t = 3 * horizon if soft_windows else horizon
        r.AddDimensionWithVehicleTransits(
            [time_cb[p.vehicles[v].category] for v in vehicles], cap_t, cap_t, False,
            "time")
        tdim = r.GetDimensionOrDie("time")
        self.tdim = tdim
        if span_cost:
            tdim.SetSpanCostCoefficientForAllVehicles(span_cost)
        for i, nd in enumerate(inst.nodes):
            if nd.kind == "depot":
                continue
            lo, hi = nd.window
            if soft_windows and nd.kind == "stop":
                tdim.CumulVar(self.node_index[i]).SetRange(max(0, lo), cap_t)
                tdim.SetCumulVarSoftUpperBound(self.node_index[i], min(hi, horizon),
                                               soft_windows)
            else:
                tdim.CumulVar(self.node_index[i]).SetRange(max(0, lo), min(hi, horizon))
        for k, v in enumerate(vehicles):
            veh = p.vehicles[v]
            dep = p.depots[[d.id for d in p.depots].index(veh.depot)]
            lo = max(veh.shift_start, dep.window[0])
            hi = min(veh.shift_end, dep.window[1])
            tdim.CumulVar(r.Start(k)).SetRange(lo, hi)
            if soft_windows:
                tdim.CumulVar(r.End(k)).SetRange(lo, cap_t)
                tdim.SetCumulVarSoftUpperBound(r.End(k), hi, soft_windows)
            else:
                tdim.CumulVar(r.End(k)).SetRange(lo, hi)
            r.AddVariableMaximizedByFinalizer(tdim.CumulVar(r.Start(k)))
            r.AddVariableMinimizedByFinalizer(tdim.CumulVar(r.End(k)))

        # Loads.
        has_reload = any(nd.kind == "disposal" for nd in inst.nodes)
        for d in inst.dims:
            caps = [int(p.vehicles[v].capacity.get(d, 0)) for v in vehicles]
            if d in inst.mixed:
                dlv_cb = r.RegisterUnaryTransitVector(inst.delivery[d])
                r.AddDimensionWithVehicleCapacity(dlv_cb, 0, caps, True, f"dlv:{d}")
                load_cb = r.RegisterUnaryTransitVector(inst.demand[d])
                r.AddDimensionWithVehicleCapacity(load_cb, 0, caps, False, f"load:{d}")
                ddim = r.GetDimensionOrDie(f"dlv:{d}")
                ldim = r.GetDimensionOrDie(f"load:{d}")
                for k in range(len(vehicles)):
                    solver.Add(ldim.CumulVar(r.Start(k)) == ddim.CumulVar(r.End(k)))
            elif d in inst.pickup_only and has_reload and any(inst.reload_amount[d]):
                big = max(-x for x in inst.reload_amount[d])
                vec = [inst.demand[d][i] + inst.reload_amount[d][i] for i in range(n)]
                cb = r.RegisterUnaryTransitVector(vec)
                r.AddDimensionWithVehicleCapacity(cb, big, caps, True, f"load:{d}")
                ldim = r.GetDimensionOrDie(f"load:{d}")
                for i, nd in enumerate(inst.nodes):
                    if nd.kind != "depot" and (nd.kind != "disposal"
                                               or not inst.reload_amount[d][i]):
                        ldim.SlackVar(self.node_index[i]).SetValue(0)
                for k in range(len(vehicles)):
                    ldim.SlackVar(r.Start(k)).SetValue(0)
            else:
                vec = [abs(inst.demand[d][i]) for i in range(n)]
                if not any(vec):
                    continue
                cb = r.RegisterUnaryTransitVector(vec)
                r.AddDimensionWithVehicleCapacity(cb, 0, caps, True, f"load:{d}")
        if has_reload:
            cnt = [1 if nd.kind == "disposal" else 0 for nd in inst.nodes]
            cb = r.RegisterUnaryTransitVector(cnt)
            r.AddDimensionWithVehicleCapacity(
                cb, 0, [max(0, p.vehicles[v].max_trips - 1) for v in vehicles], True, "trips")

        # Optional nodes and vehicle restrictions.
        vpos = {v: k for k, v in enumerate(vehicles)}
        for i, nd in enumerate(inst.nodes):
            if nd.kind == "disposal":
                r.AddDisjunction([self.node_index[i]], 0)
            elif nd.kind == "stop":
                if not soft_windows:
                    r.AddDisjunction([self.node_index[i]], drop_penalty)
                allowed = [vpos[v] for v in inst.allowed[i] if v in vpos]
                if len(allowed) < len(vehicles):
                    r.VehicleVar(self.node_index[i]).SetValues([-1, *allowed])

    def params(self, seconds: float, first: str, meta: str):
        ps = pywrapcp.DefaultRoutingSearchParameters()
        if self.insertion_operators:
            ops = ps.local_search_operators
            on = optional_boolean_pb2.BOOL_TRUE
            for name in self.insertion_operators:
                setattr(ops, name, on)
        ps.first_solution_strategy = getattr(FIRST_SOLUTION, first)
        ps.local_search_metaheuristic = getattr(METAHEURISTIC, meta)
        ps.time_limit.FromMilliseconds(max(10, int(seconds * 1000)))
        ps.guided_local_search_lambda_coefficient = GLS_LAMBDA
        return ps

    def solve(self, seconds: float, first: str, meta: str,
              initial: list[list[int]] | None = None,
              stop_when_all_served: bool = False) -> _RunResult | None:
        r = self.routing
        ps = self.params(seconds, first, meta)
        stop_idx = [self.node_index[i] for i in self.inst.stop_nodes]
        if stop_when_all_served:
            solver = r.solver()

            def check() -> None:
                if not all(r.NextVar(i).Value() != i for i in stop_idx):
                    return
                if self.soft:
                    mgr = self.manager
                    for k, v in enumerate(self.vehicles):
                        idx = r.NextVar(r.Start(k)).Value()
                        route = []
                        while not r.IsEnd(idx):
                            route.append(mgr.IndexToNode(idx))
                            idx = r.NextVar(idx).Value()
                        if route and not _on_time(self.inst, v, route):
                            return
                solver.FinishCurrentSearch()

            r.AddAtSolutionCallback(check)
        sol = None
        if initial is not None:
            r.CloseModelWithParameters(ps)
            idx_routes = [[self.node_index[i] for i in route] for route in initial]
            a = r.ReadAssignmentFromRoutes(idx_routes, True)
            if a is not None:
                sol = r.SolveFromAssignmentWithParameters(a, ps)
            else:
                self.inst.log.append("initial routes rejected by the model")
        if sol is None:
            if initial is not None:
                # the model is closed; a fresh first solution is still possible
                pass
            sol = r.SolveWithParameters(ps)
        if sol is None:
            return None
        mgr = self.manager
        routes = []
        for k in range(len(self.vehicles)):
            idx = sol.Value(r.NextVar(r.Start(k)))
            route = []
            while not r.IsEnd(idx):
                route.append(mgr.IndexToNode(idx))
                idx = sol.Value(r.NextVar(idx))
            routes.append(route)
        served = {i for rt in routes for i in rt}
        dropped = [i for i in self.inst.stop_nodes if i not in served]
        distance = sum(_route_distance(self.inst, self.inst.depot_node[
            self.inst.problem.vehicles[self.vehicles[k]].depot], rt)
            for k, rt in enumerate(routes))
        return _RunResult(routes, dropped, distance, sol.ObjectiveValue())


def _on_time(inst: _Instance, v: int, route: list[int]) -> bool:
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


def _cheapest_insertion(inst: _Instance, vehicles: list[int], routes: list[list[int]],
                        nodes: list[int]) -> list[list[int]]:
    """Insert nodes one by one at the place of least added distance among places where
    the route stays on time, else least added distance (windows may then be late)."""
    routes = [list(r) for r in routes]
    for n in nodes:
        best = None
        for k, rt in enumerate(routes):
            depot = inst.depot_node[inst.problem.vehicles[vehicles[k]].depot]
            seq = [depot, *rt, depot]
            for pos in range(len(seq) - 1):
                a, b = seq[pos], seq[pos + 1]
                add = inst.dist[a][n] + inst.dist[n][b] - inst.dist[a][b]
                cand = rt[:pos] + [n] + rt[pos:]
                late = 0 if _on_time(inst, vehicles[k], cand) else 1
                key = (late, add)
                if best is None or key < best[0]:
                    best = (key, k, pos)
        assert best is not None
        _, k, pos = best
        routes[k].insert(pos, n)
    return routes


def _remove_late(inst: _Instance, vehicles: list[int], routes: list[list[int]]
                 ) -> list[list[int]]:
    """Drop stops from each route until it is on time: the first late stop, or the last
    stop when only the return to the depot is late."""
    out = []
    for v, rt in zip(vehicles, routes, strict=True):
        rt = list(rt)
        while rt and not _on_time(inst, v, rt):
            late = _first_late(inst, v, rt)
            rt.pop(late if late is not None else len(rt) - 1)
        out.append(rt)
    return out


def _first_late(inst: _Instance, v: int, route: list[int]) -> int | None:
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


def _attempt(inst: _Instance, opts: SolveOptions, subset: list[int],
             initial: list[list[int]], removed: list[int], seconds: float,
             drop_penalty: int, can_squeeze: bool) -> _RunResult | None:
    """Try to serve every stop with the vehicles in ``subset``, starting from ``initial``
    (the stops in ``removed`` are unserved). Alternates drop-and-reinsert local search
    with (if enabled) a squeeze with soft windows whose late stops are then dropped."""
    end = time.monotonic() + seconds
    ops = INSERTION_OPERATORS if opts.insertion_operators else ()
    squeeze = (can_squeeze and opts.squeeze_penalty > 0 and not inst.mixed
               and not any(nd.kind == "disposal" for nd in inst.nodes))
    phase = seconds if not squeeze else max(0.3, seconds / opts.squeeze_rounds / 2)
    current = initial
    best: _RunResult | None = None
    while True:
        left = end - time.monotonic()
        if left <= 0.05:
            break
        m = _Model(inst, subset, drop_penalty, ops, span_cost=opts.span_cost)
        r = m.solve(min(phase, left), opts.first_solution, opts.metaheuristic,
                    initial=current, stop_when_all_served=True)
        if r is not None:
            if best is None or len(r.dropped) < len(best.dropped):
                best = r
            if not r.dropped:
                return r
            current = r.routes
        left = end - time.monotonic()
        if not squeeze or left <= 0.3:
            break
        served = {i for rt in current for i in rt}
        missing = [i for i in inst.stop_nodes if i not in served]
        packed = _cheapest_insertion(inst, subset, current, missing)
        m = _Model(inst, subset, drop_penalty, ops, soft_windows=opts.squeeze_penalty)
        r = m.solve(min(phase, left), opts.first_solution, opts.metaheuristic,
                    initial=packed, stop_when_all_served=True)
        routes = r.routes if r is not None else packed
        if r is not None and all(_on_time(inst, v, rt)
                                 for v, rt in zip(subset, routes, strict=True) if rt):
            return r
        current = _remove_late(inst, subset, routes)
    return best


def _exact_checks(inst: _Instance, plan: _RunResult) -> bool:
    """Whether the plain-Python searches (``ejection.py``, ``sisr.py``) apply: their
    constant-time checks are exact without disposal sites and mixed compartments, and
    they keep every stop served, so the plan must serve them all."""
    return (not plan.dropped and not inst.mixed
            and not any(nd.kind == "disposal" for nd in inst.nodes))


def _remove_route_exact(inst: _Instance, opts: SolveOptions, vehicles: list[int],
                        routes: list[list[int]], pool: list[int], seconds: float,
                        seed: int) -> list[list[int]] | None:
    """Serve the stops of a removed route with the other routes: the ejection pool
    first, then, if it runs out of its share of the time, the fleet-minimisation search
    of ``sisr.py`` from the same start. Each gets stuck on removals the other settles
    (the string search on long routes, where the pool's ejections are expensive)."""
    end = time.monotonic() + seconds
    pool_time = seconds * (1.0 - opts.strings_share)
    found = remove_route(inst, vehicles, routes, pool, pool_time, seed=seed,
                         perturb_moves=opts.perturb_moves, cheapest=opts.cheapest_insertion)
    left = end - time.monotonic()
    if found is None and left > 0.1:
        found = serve_all(inst, vehicles, routes, pool, left, seed=seed)
        if found is not None:
            inst.log.append("route removed by the string search")
    return found


def _string_removal(inst: _Instance, vehicles: list[int], routes: list[list[int]],
                    seconds: float, seed: int) -> tuple[_RunResult, list[int]]:
    """The distance search of ``sisr.py`` on the given routes (one per vehicle)."""
    new_routes, iterations = improve_distance(inst, vehicles, routes, seconds, seed)
    result = _serving_all(inst, vehicles, new_routes)
    inst.log.append(f"string removal: {iterations} iterations in {seconds:.1f}s, "
                    f"distance {result.distance}")
    return result, vehicles


def _serving_all(inst: _Instance, vehicles: list[int], routes: list[list[int]]) -> _RunResult:
    """A plan found by the plain-Python searches (one route per vehicle, every stop served)
    as a run result, with its distance."""
    dist = sum(_route_distance(inst, inst.depot_node[inst.problem.vehicles[v].depot], rt)
               for v, rt in zip(vehicles, routes, strict=True))
    return _RunResult(routes, [], dist, dist)


def _route_distance(inst: _Instance, depot: int, route: list[int]) -> int:
    if not route:
        return 0
    seq = [depot, *route, depot]
    return sum(inst.dist[a][b] for a, b in zip(seq, seq[1:], strict=False))


def _strip_reloads(inst: _Instance, route: list[int]) -> list[int]:
    """Drop disposal visits that are not followed by a stop (useless trailing reloads)."""
    out = list(route)
    while out and inst.nodes[out[-1]].kind == "disposal":
        out.pop()
    return out


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """Plan routes: fewest vehicles first, then shortest total distance."""
    opts = options or SolveOptions()
    t0 = time.monotonic()
    deadline = t0 + opts.time_limit
    inst = build_instance(problem)
    rng = random.Random(opts.seed)
    log = inst.log

    def remaining() -> float:
        return deadline - time.monotonic()

    if not inst.stop_nodes or not problem.vehicles:
        status = "solved" if not inst.unserved_reason else "partial"
        return _to_solution(inst, [], [], [], t0, status)

    max_arc = max(max(row) for row in inst.dist) or 1
    drop_penalty = 100 * (2 * max_arc + 1) * max(1, len(inst.stop_nodes))
    all_vehicles = list(range(len(problem.vehicles)))

    # Phase 1: a plan with the whole fleet.
    first_budget = max(0.2, opts.time_limit * (opts.first_share if opts.minimise_vehicles
                                               else 1.0))
    best = None
    best_vehicles = all_vehicles
    model = _Model(inst, all_vehicles, drop_penalty)
    res = model.solve(min(first_budget, remaining()), opts.first_solution, opts.metaheuristic)
    if res is None:
        return _to_solution(inst, [], [], inst.stop_nodes, t0, "no_solution")
    best = res
    log.append(f"first plan: {sum(1 for r in res.routes if r)} vehicles, "
               f"{len(res.dropped)} dropped, distance {res.distance}")

    if opts.minimise_vehicles:
        lb = opts.min_vehicles if opts.min_vehicles is not None else min_vehicles_bound(inst)
        stop_removal_at = t0 + opts.time_limit * opts.removal_share
        failed: set[tuple[int, ...]] = set()
        while time.monotonic() < stop_removal_at:
            used = [(k, rt) for k, rt in enumerate(best.routes) if rt]
            if len(used) <= max(lb, 1):
                break
            # candidate route to remove: fewest stops first, then shortest
            cands = sorted(
                used, key=lambda kr: (sum(1 for i in kr[1] if inst.nodes[i].kind == "stop"),
                                      _route_distance(inst, 0, kr[1]), rng.random()))
            cand = next((c for c in cands
                         if tuple(sorted(best_vehicles[k] for k, _ in used if k != c[0]))
                         not in failed), None)
            if cand is None:
                break
            keep = [(best_vehicles[k], rt) for k, rt in used if k != cand[0]]
            subset = [v for v, _ in keep]
            attempt = min(opts.time_limit * opts.attempt_share, remaining())
            if attempt <= 0.05:
                break
            initial = [_strip_reloads(inst, rt) for _, rt in keep]
            use_ep = opts.ejection and _exact_checks(inst, best)
            r2 = None
            if not use_ep:
                r2 = _attempt(inst, opts, subset, initial, cand[1], attempt, drop_penalty,
                              can_squeeze=not best.dropped)
            else:
                # the ejection pool alone: it settles easy removals in a fraction of a
                # second, where a local-search attempt would use its whole slot
                ep_time = min(max(0.0, stop_removal_at - time.monotonic()),
                              opts.time_limit * opts.ejection_share, remaining())
                new_routes = None
                if ep_time > 0.1:
                    new_routes = _remove_route_exact(inst, opts, subset, initial,
                                                     list(cand[1]), ep_time,
                                                     opts.seed + len(failed))
                if new_routes is not None:
                    r2 = _serving_all(inst, subset, new_routes)
            if r2 is not None and len(r2.dropped) <= len(best.dropped):
                if use_ep and opts.polish_share > 0 and remaining() > 0.5:
                    # tidy the distance of the plan before the next removal
                    mp = _Model(inst, subset, drop_penalty)
                    rp = mp.solve(min(opts.time_limit * opts.polish_share, remaining()),
                                  opts.first_solution, opts.metaheuristic,
                                  initial=r2.routes)
                    if rp is not None and not rp.dropped:
                        r2 = rp
                best, best_vehicles = r2, subset
                log.append(f"removed a route: {len(subset)} vehicles, "
                           f"distance {r2.distance} at {time.monotonic() - t0:.1f}s")
            else:
                failed.add(tuple(sorted(subset)))
                log.append(f"could not remove a route from {len(used)} "
                           f"({len(r2.dropped) if r2 else '-'} left) "
                           f"at {time.monotonic() - t0:.1f}s")
                if use_ep:
                    # the pool already mixed the stops of every route; another
                    # candidate rarely succeeds, distance gets the time instead
                    break

    # Final phase: distance with the chosen fleet.
    if remaining() > 0.1:
        used = [(best_vehicles[k], rt) for k, rt in enumerate(best.routes) if rt]
        subset = [v for v, _ in used]
        if opts.fresh_first_solution and remaining() > 2.0:
            # a fresh start with the chosen fleet often beats the removal's routes
            mf = _Model(inst, subset, drop_penalty)
            rf = mf.solve(remaining() * opts.fresh_share, opts.fresh_first_solution,
                          opts.metaheuristic)
            if rf is not None:
                log.append(f"fresh start: {len(rf.dropped)} dropped, distance {rf.distance}")
            if rf is not None and (len(rf.dropped), rf.distance) < (len(best.dropped),
                                                                    best.distance):
                best, best_vehicles = rf, subset
                used = [(subset[k], rt) for k, rt in enumerate(rf.routes) if rt]
                subset = [v for v, _ in used]
        if opts.sisr_share > 0 and _exact_checks(inst, best) and remaining() > 0.2:
            best, best_vehicles = _string_removal(inst, subset, [rt for _, rt in used],
                                                  remaining() * opts.sisr_share, opts.seed)
            used = [(best_vehicles[k], rt) for k, rt in enumerate(best.routes) if rt]
            subset = [v for v, _ in used]
        if remaining() > 0.1:
            m = _Model(inst, subset, drop_penalty)
            r3 = m.solve(remaining(), opts.first_solution, opts.metaheuristic,
                         initial=[rt for _, rt in used])
            if r3 is not None and (len(r3.dropped), r3.distance) <= (len(best.dropped),
                                                                     best.distance):
                best, best_vehicles = r3, subset
        log.append(f"final: {sum(1 for r in best.routes if r)} vehicles, "
                   f"distance {best.distance}")

    routes = [(best_vehicles[k], _strip_reloads(inst, rt)) for k, rt in enumerate(best.routes)]
    status = "solved" if not best.dropped and not inst.unserved_reason else "partial"
    return _to_solution(inst, [v for v, _ in routes], [rt for _, rt in routes], best.dropped,
                        t0, status)


def _to_solution(inst: _Instance, vehicles: list[int], routes: list[list[int]],
                 dropped: list[int], t0: float, status: str) -> Solution:
    out_routes: list[Route] = []
    total = 0
    for v, rt in zip(vehicles, routes, strict=True):
        if not rt:
            continue
        out_routes.append(_timed_route(inst, v, rt))
        total += out_routes[-1].distance
    unserved = dict(inst.unserved_reason)
    for i in dropped:
        unserved[inst.nodes[i].ref] = "could not be fitted into the plan (fleet capacity, " \
                                      "time windows or shifts)"
    if status == "no_solution":
        return Solution(status, [], unserved, 0, 0, time.monotonic() - t0, log=inst.log)
    return Solution(status, out_routes, unserved, total, len(out_routes),
                    time.monotonic() - t0, log=inst.log)


def _timed_route(inst: _Instance, v: int, route: list[int]) -> Route:
    """Schedule a node sequence as early as possible, then leave the depot as late as
    possible without moving any service start (less waiting on the road)."""
    p = inst.problem
    veh = p.vehicles[v]
    depot = inst.depot_node[veh.depot]
    dep_site = p.depots[[d.id for d in p.depots].index(veh.depot)]
    tm = inst.time_by_cat[veh.category]
    seq = [depot, *route, depot]
    lo = max(veh.shift_start, dep_site.window[0])
    starts = [lo]
    arrivals = [lo]
    nowait = [lo]
    for a, b in zip(seq, seq[1:], strict=False):
        leg = inst.nodes[a].service + tm[a][b]
        arr = starts[-1] + leg
        arrivals.append(arr)
        nowait.append(nowait[-1] + leg)
        starts.append(max(arr, inst.nodes[b].window[0]) if b != depot else arr)
    push = min(starts[k] - nowait[k] for k in range(1, len(seq)))
    if push > 0:
        starts[0] = arrivals[0] = lo + push
        for k in range(1, len(seq)):
            arrivals[k] = starts[k - 1] + inst.nodes[seq[k - 1]].service + tm[seq[k - 1]][seq[k]]
    loads = _loads(inst, seq)
    visits = []
    trips = 1
    for k, node in enumerate(seq):
        nd = inst.nodes[node]
        if nd.kind == "disposal":
            trips += 1
        visits.append(Visit(nd.kind, nd.ref, arrivals[k], starts[k], starts[k] + nd.service,
                            loads[k]))
    dist = sum(inst.dist[a][b] for a, b in zip(seq, seq[1:], strict=False))
    return Route(veh.id, visits, dist, trips)


def _loads(inst: _Instance, seq: list[int]) -> list[dict[str, int]]:
    dims = inst.dims
    goods = {d: sum(inst.delivery[d][i] for i in seq) for d in dims}
    waste = dict.fromkeys(dims, 0)
    out = []
    for i in seq:
        nd = inst.nodes[i]
        if nd.kind == "stop":
            for d in dims:
                goods[d] -= inst.delivery[d][i]
                waste[d] += inst.demand[d][i] + inst.delivery[d][i]
        elif nd.kind == "disposal":
            for d in dims:
                if inst.reload_amount[d][i]:
                    waste[d] = 0
        out.append({d: goods[d] + waste[d] for d in dims})
    return out
