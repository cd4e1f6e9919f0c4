"""Ejection pool: constant-time checks agree with full checks, moves keep routes
feasible, and a removed route's stops come back in feasible routes."""

from __future__ import annotations

import random

from solvers.routing import Problem, Site, Stop, Vehicle
from solvers.routing.ejection import (
    RoutePlan,
    _joins,
    best_ejection,
    neighbours,
    perturb,
    remove_route,
    squeeze,
)
from solvers.routing.instance import build_instance

SPEED = {"van": 36.0}  # 10 m/s


def _instance(seed: int, n_stops: int = 24, n_vehicles: int = 6, capacity: int = 40):
    rng = random.Random(seed)
    stops = []
    for k in range(n_stops):
        start = rng.randrange(0, 3000)
        stops.append(Stop(f"s{k}", x=rng.uniform(-3000, 3000), y=rng.uniform(-3000, 3000),
                          pickup={"residual": rng.randint(1, 10)},
                          window=(start, start + rng.randrange(600, 3000)),
                          service_time=120))
    vehicles = [Vehicle(f"v{k}", "hub", {"residual": capacity}, shift_end=8000)
                for k in range(n_vehicles)]
    return build_instance(Problem(stops, vehicles, [Site("hub", x=0.0, y=0.0)],
                                  speeds_kmh=dict(SPEED)))


def _greedy_routes(inst, n_vehicles: int) -> tuple[list[list[int]], list[int]]:
    """Feasible routes by appending each stop (by window start) where it fits."""
    plan = RoutePlan(inst, list(range(n_vehicles)), [[] for _ in range(n_vehicles)])
    left = []
    for node in sorted(inst.stop_nodes, key=lambda i: inst.nodes[i].window[0]):
        for k in range(n_vehicles):
            if plan.fits_load(k, node) and plan.can_insert(k, node, len(plan.routes[k])):
                plan.routes[k].append(node)
                plan.refresh(k)
                break
        else:
            left.append(node)
    return plan.routes, left


def _all_feasible(plan: RoutePlan) -> bool:
    return all(plan.ok(k, rt) for k, rt in enumerate(plan.routes))


def test_constant_time_checks_agree_with_scheduling_the_whole_route():
    for seed in range(5):
        inst = _instance(seed)
        routes, _ = _greedy_routes(inst, 6)
        plan = RoutePlan(inst, list(range(6)), routes)
        rng = random.Random(seed)
        for _ in range(300):
            k1, k2 = rng.sample(range(6), 2)
            r1, r2 = plan.routes[k1], plan.routes[k2]
            if not r1:
                continue
            i, j = rng.randrange(len(r1)), rng.randrange(len(r2) + 1)
            node = r1[i]
            assert plan.can_insert(k2, node, j) == plan.time_ok(k2, [*r2[:j], node, *r2[j:]])
            assert plan.can_remove(k1, i) == plan.time_ok(k1, r1[:i] + r1[i + 1:])
            i2 = rng.randrange(len(r1) + 1)
            assert _joins(plan, k1, i2, k2, j) == plan.time_ok(k1, r1[:i2] + r2[j:])


def test_perturbation_and_squeeze_keep_every_route_feasible():
    for seed in range(5):
        inst = _instance(seed)
        routes, left = _greedy_routes(inst, 6)
        plan = RoutePlan(inst, list(range(6)), routes)
        near = neighbours(plan)
        rng = random.Random(seed)
        perturb(plan, rng, 500, near)
        assert _all_feasible(plan)
        for node in left:
            served_before = sorted(i for rt in plan.routes for i in rt)
            if squeeze(plan, node, near):
                assert node in {i for rt in plan.routes for i in rt}
            else:
                assert sorted(i for rt in plan.routes for i in rt) == served_before
            assert _all_feasible(plan)


def test_an_ejection_inserts_the_stop_and_leaves_a_feasible_route():
    inst = _instance(3)
    routes, left = _greedy_routes(inst, 4)
    plan = RoutePlan(inst, list(range(4)), routes)
    for node in left:
        found = best_ejection(plan, node, {}, random.Random(0), 3)
        if found is None:
            continue
        k, new_route, ejected = found
        assert node in new_route and 1 <= len(ejected) <= 3
        assert sorted([*new_route, *ejected]) == sorted([*plan.routes[k], node])
        assert plan.ok(k, new_route)


def _route_removal_case(seed: int):
    """An instance, greedy routes without their shortest one, and the stops to place
    again (that route's and any the greedy start left out)."""
    inst = _instance(seed, n_stops=30, n_vehicles=8, capacity=60)
    routes, left = _greedy_routes(inst, 8)
    routes = [rt for rt in routes if rt]
    smallest = min(range(len(routes)), key=lambda k: len(routes[k]))
    pool = routes[smallest] + left
    keep = [rt for k, rt in enumerate(routes) if k != smallest]
    return inst, keep, pool


def test_removing_a_route_serves_all_its_stops_in_feasible_routes():
    removed = 0
    for seed in range(4):
        inst, keep, pool = _route_removal_case(seed)
        out = remove_route(inst, list(range(len(keep))), keep, pool, 2.0, seed=seed)
        if out is None:
            continue
        plan = RoutePlan(inst, list(range(len(keep))), out)
        assert _all_feasible(plan)
        assert sorted(i for rt in out for i in rt) == sorted(inst.stop_nodes)
        removed += 1
    assert removed >= 2  # the greedy start leaves at least one route to spare
