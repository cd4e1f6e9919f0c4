"""Vehicle routing on the OR-Tools routing solver: the three phases in order.

Objective: fewest vehicles first, then least distance. The fleet size is not priced.

1. First plan (``first_plan``): the whole fleet, OR-Tools guided local search.
2. Route removal (``route_removal.py``): the fleet is fixed to one vehicle fewer and the
   removed route's stops must be re-inserted. Where the instance allows an exact check
   (time windows, shifts, pickup-only or delivery-only dimensions) this is done by an
   ejection-pool search (``ejection.py``), followed if it fails by the fleet-minimisation
   string search (``sisr.py``), and the first failure ends route removal (both mix the
   stops of every route, so another candidate route rarely does better); otherwise by
   OR-Tools local search from the previous routes with the removed stops unperformed
   (optional stops with a large drop penalty), optionally alternating with a squeeze
   that allows late service at a cost. After each removed route OR-Tools tidies the
   distance.
3. Polish (``polish.py``): the last fleet that served everything gets the remaining time
   for distance: a fresh OR-Tools start, the string-removal search of ``sisr.py`` from the
   better plan where the checks are exact, then OR-Tools from the best.

The instance (nodes, matrices, loads) is built in ``instance.py``, the OR-Tools model in
``model.py``.
"""

from __future__ import annotations

import random
import time

from .instance import Instance, build_instance, min_vehicles_bound, strip_reloads
from .model import RoutingModel, RunResult
from .options import SolveOptions
from .polish import polish
from .problem import Problem, Route, Solution, Visit
from .route_removal import remove_routes

__all__ = ["SolveOptions", "solve"]


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """Plan routes: fewest vehicles first, then shortest total distance."""
    opts = options or SolveOptions()
    t0 = time.monotonic()
    deadline = t0 + opts.time_limit
    inst = build_instance(problem)

    if not inst.stop_nodes or not problem.vehicles:
        status = "solved" if not inst.unserved_reason else "partial"
        return _to_solution(inst, [], [], [], t0, status)

    max_arc = max(max(row) for row in inst.dist) or 1
    drop_penalty = 100 * (2 * max_arc + 1) * max(1, len(inst.stop_nodes))

    best = first_plan(inst, opts, drop_penalty, deadline)
    if best is None:
        return _to_solution(inst, [], [], inst.stop_nodes, t0, "no_solution")
    best_vehicles = list(range(len(problem.vehicles)))

    if opts.minimise_vehicles:
        lower_bound = (opts.min_vehicles if opts.min_vehicles is not None
                       else min_vehicles_bound(inst))
        best, best_vehicles = remove_routes(
            inst, opts, best, best_vehicles, drop_penalty, lower_bound,
            rng=random.Random(opts.seed), started=t0, deadline=deadline)

    if deadline - time.monotonic() > 0.1:
        best, best_vehicles = polish(inst, opts, best, best_vehicles, drop_penalty, deadline)

    routes = [(best_vehicles[k], strip_reloads(inst, rt)) for k, rt in enumerate(best.routes)]
    status = "solved" if not best.dropped and not inst.unserved_reason else "partial"
    return _to_solution(inst, [v for v, _ in routes], [rt for _, rt in routes], best.dropped,
                        t0, status)


def first_plan(inst: Instance, opts: SolveOptions, drop_penalty: int,
               deadline: float) -> RunResult | None:
    """Phase 1: a plan with the whole fleet, stops it cannot fit left unserved."""
    share = opts.first_share if opts.minimise_vehicles else 1.0
    budget = min(max(0.2, opts.time_limit * share), deadline - time.monotonic())
    model = RoutingModel(inst, list(range(len(inst.problem.vehicles))), drop_penalty)
    plan = model.solve(budget, opts.first_solution, opts.metaheuristic)
    if plan is not None:
        inst.log.append(f"first plan: {sum(1 for r in plan.routes if r)} vehicles, "
                        f"{len(plan.dropped)} dropped, distance {plan.distance}")
    return plan


def _to_solution(inst: Instance, vehicles: list[int], routes: list[list[int]],
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


def _timed_route(inst: Instance, v: int, route: list[int]) -> Route:
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


def _loads(inst: Instance, seq: list[int]) -> list[dict[str, int]]:
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
