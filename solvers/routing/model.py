"""The OR-Tools routing model over a subset of the fleet: time, loads, reload copies of
disposal sites, optional stops and vehicle restrictions, and one search call.

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

from dataclasses import dataclass
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from .instance import Instance, on_time, route_distance

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
class RunResult:
    routes: list[list[int]]  # per vehicle in subset: node list (no depots)
    dropped: list[int]
    distance: int
    objective: int


class RoutingModel:
    """OR-Tools model over a subset of the fleet."""

    def __init__(self, inst: Instance, vehicles: list[int], drop_penalty: int,
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

    def params(self, seconds: float, first: str, meta: str) -> Any:
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
              stop_when_all_served: bool = False) -> RunResult | None:
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
                        if route and not on_time(self.inst, v, route):
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
        distance = sum(route_distance(self.inst, self.inst.depot_node[
            self.inst.problem.vehicles[self.vehicles[k]].depot], rt)
            for k, rt in enumerate(routes))
        return RunResult(routes, dropped, distance, sol.ObjectiveValue())
