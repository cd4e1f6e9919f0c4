"""String-removal distance search: never longer, always feasible, same stops, no more
routes; used by the solver only where its checks are exact."""

from __future__ import annotations

import random

from solvers.routing import Problem, Site, SolveOptions, Stop, Vehicle, check_routes, solve
from solvers.routing.ejection import RoutePlan
from solvers.routing.instance import build_instance
from solvers.routing.sisr import improve_distance, serve_all

from .test_routing_ejection import _greedy_routes, _instance, _route_removal_case

SPEED = {"van": 36.0}  # 10 m/s


def _distance(inst, routes) -> int:
    depot = inst.depot_node["hub"]
    total = 0
    for rt in routes:
        if rt:
            seq = [depot, *rt, depot]
            total += sum(inst.dist[a][b] for a, b in zip(seq, seq[1:], strict=False))
    return total


def test_the_search_shortens_greedy_routes_and_keeps_them_feasible():
    for seed in range(4):
        inst = _instance(seed, n_stops=30, n_vehicles=8, capacity=60)
        routes, left = _greedy_routes(inst, 8)
        assert not left
        out, iterations = improve_distance(inst, list(range(8)), routes, 0.5, seed=seed)
        plan = RoutePlan(inst, list(range(8)), out)
        assert all(plan.ok(k, rt) for k, rt in enumerate(out))
        assert sorted(i for rt in out for i in rt) == sorted(inst.stop_nodes)
        assert sum(1 for rt in out if rt) <= sum(1 for rt in routes if rt)
        assert _distance(inst, out) < _distance(inst, routes)
        assert iterations > 50


def test_the_search_keeps_stops_on_the_vehicles_allowed_to_serve_them():
    rng = random.Random(5)
    stops = [Stop(f"s{k}", x=rng.uniform(-3000, 3000), y=rng.uniform(-3000, 3000),
                  pickup={"residual": 2}, window=(0, 6000), service_time=60,
                  zero_emission_only=k % 3 == 0)
             for k in range(18)]
    vehicles = [Vehicle(f"v{k}", "hub", {"residual": 30}, shift_end=8000,
                        zero_emission=k < 2) for k in range(4)]
    inst = build_instance(Problem(stops, vehicles, [Site("hub", x=0.0, y=0.0)],
                                  speeds_kmh=dict(SPEED)))
    clean = [i for i in inst.stop_nodes if inst.nodes[i].ref not in
             {s.id for s in stops if s.zero_emission_only}]
    zero = [i for i in inst.stop_nodes if i not in clean]
    routes = [zero[:3], zero[3:], clean[:6], clean[6:]]
    plan = RoutePlan(inst, list(range(4)), routes)
    assert all(plan.ok(k, rt) for k, rt in enumerate(routes))
    out, _ = improve_distance(inst, list(range(4)), routes, 0.3, seed=1)
    assert all(plan.ok(k, rt) for k, rt in enumerate(out))
    assert set(zero) <= set(out[0]) | set(out[1])
    assert _distance(inst, out) <= _distance(inst, routes)


def test_a_plan_that_cannot_change_comes_back_unchanged():
    inst = _instance(1, n_stops=1, n_vehicles=1)
    routes = [list(inst.stop_nodes)]
    out, _ = improve_distance(inst, [0], routes, 0.05)
    assert out == routes


def test_the_solver_runs_the_search_only_where_its_checks_are_exact():
    rng = random.Random(2)
    pts = [(rng.uniform(-2000, 2000), rng.uniform(-2000, 2000)) for _ in range(12)]
    simple = [Stop(f"s{k}", x=x, y=y, pickup={"residual": 3}, window=(0, 5000),
                   service_time=60) for k, (x, y) in enumerate(pts)]
    mixed = [Stop(f"s{k}", x=x, y=y, pickup={"crates": 1}, delivery={"crates": 1},
                  window=(0, 5000), service_time=60) for k, (x, y) in enumerate(pts)]
    for stops, expected in ((simple, True), (mixed, False)):
        dims = set(stops[0].pickup) | set(stops[0].delivery)
        vehicles = [Vehicle(f"v{k}", "hub", dict.fromkeys(dims, 20), shift_end=8000)
                    for k in range(3)]
        problem = Problem(stops, vehicles, [Site("hub", x=0.0, y=0.0)],
                          speeds_kmh=dict(SPEED))
        sol = solve(problem, SolveOptions(time_limit=2.0))
        assert sol.status == "solved" and check_routes(problem, sol) == []
        assert any("string removal" in line for line in sol.log) == expected


def test_serving_a_removed_route_gives_feasible_routes_with_every_stop():
    emptied = 0
    for seed in range(4):
        inst, keep, pool = _route_removal_case(seed)
        out = serve_all(inst, list(range(len(keep))), keep, pool, 2.0, seed=seed)
        if out is None:
            continue
        plan = RoutePlan(inst, list(range(len(keep))), out)
        assert all(plan.ok(k, rt) for k, rt in enumerate(out))
        assert sorted(i for rt in out for i in rt) == sorted(inst.stop_nodes)
        emptied += 1
    assert emptied >= 2  # the greedy start leaves at least one route to spare
