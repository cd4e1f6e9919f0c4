"""Routing core on tiny instances: brute-force optimum, loads, multi-trip, reasons."""

from __future__ import annotations

import itertools
import math

from solvers.routing import (
    Problem,
    Route,
    Site,
    Solution,
    SolveOptions,
    Stop,
    Vehicle,
    Visit,
    bundling_report,
    check_routes,
    solve,
)
from solvers.routing.distances import distance_matrix, travel_seconds

SPEED = {"van": 36.0}  # 10 m/s


def _problem(points, pickups, windows, n_vehicles, capacity, service=60, shift_end=4000):
    depot = Site("hub", x=0.0, y=0.0)
    stops = [
        Stop(f"s{k}", x=float(x), y=float(y), pickup={"residual": q}, window=w,
             service_time=service)
        for k, ((x, y), q, w) in enumerate(zip(points, pickups, windows, strict=True))
    ]
    vehicles = [Vehicle(f"v{k}", "hub", {"residual": capacity}, shift_end=shift_end)
                for k in range(n_vehicles)]
    return Problem(stops, vehicles, [depot], speeds_kmh=dict(SPEED))


def _brute_force(problem: Problem) -> tuple[int, int]:
    """(vehicles, distance) optimum by enumerating partitions and permutations."""
    ids, dist, _ = distance_matrix(problem)
    pos = {i: k for k, i in enumerate(ids)}
    stops = problem.stops
    veh = problem.vehicles[0]
    cap = veh.capacity["residual"]
    h = pos["hub"]
    n = len(stops)

    def route_cost(members):
        if sum(stops[i].pickup["residual"] for i in members) > cap:
            return None
        best = None
        for perm in itertools.permutations(members):
            t, prev, d, ok = veh.shift_start, h, 0, True
            for i in perm:
                p = pos[stops[i].id]
                t = max(t + travel_seconds(dist[prev][p], 36.0), stops[i].window[0])
                if t > stops[i].window[1]:
                    ok = False
                    break
                t += stops[i].service_time
                d += dist[prev][p]
                prev = p
            if not ok:
                continue
            t += travel_seconds(dist[prev][h], 36.0)
            d += dist[prev][h]
            if t <= veh.shift_end and (best is None or d < best):
                best = d
        return best

    cost = {}
    for mask in range(1, 1 << n):
        cost[mask] = route_cost([i for i in range(n) if mask >> i & 1])
    best = {0: (0, 0)}
    for mask in range(1, 1 << n):
        low = mask & -mask
        cand = None
        sub = mask
        while sub:
            if sub & low and cost[sub] is not None and (mask ^ sub) in best:
                v, d = best[mask ^ sub]
                c = (v + 1, d + cost[sub])
                if cand is None or c < cand:
                    cand = c
            sub = (sub - 1) & mask
        if cand is not None:
            best[mask] = cand
    return best[(1 << n) - 1]


def test_tiny_instances_match_the_brute_force_optimum_for_vehicles_then_distance():
    cases = [
        # four stops, capacity forces two vehicles
        ([(1000, 0), (1200, 300), (-800, 500), (-900, -400)], [4, 4, 4, 4],
         [(0, 4000)] * 4, 3, 8),
        # five stops, tight windows on opposite sides
        ([(500, 500), (1500, 0), (-1000, 0), (0, 1200), (300, -900)], [2, 3, 2, 1, 2],
         [(0, 600), (0, 4000), (0, 700), (1500, 2500), (0, 4000)], 3, 20),
        # six stops, capacity and windows both bind
        ([(400, 100), (800, 600), (-300, 700), (-700, -200), (200, -800), (900, -500)],
         [3, 3, 3, 3, 3, 3], [(0, 2000), (0, 4000), (1000, 3000), (0, 1500), (0, 4000),
                              (2000, 3500)], 3, 9),
        # six stops, all fit one vehicle
        ([(100, 900), (-500, 300), (700, 200), (-200, -600), (600, -700), (0, 400)],
         [1, 1, 1, 1, 1, 1], [(0, 4000)] * 6, 2, 10),
    ]
    for points, q, w, nv, cap in cases:
        problem = _problem(points, q, w, nv, cap)
        expected = _brute_force(problem)
        sol = solve(problem, SolveOptions(time_limit=1.0))
        assert check_routes(problem, sol) == []
        assert sol.status == "solved"
        assert (sol.vehicles_used, sol.total_distance) == expected


def test_a_stop_too_large_for_every_vehicle_is_reported_with_a_reason():
    problem = _problem([(100, 0), (200, 0)], [5, 50], [(0, 4000)] * 2, 1, 10)
    sol = solve(problem, SolveOptions(time_limit=0.5))
    assert sol.status == "partial"
    assert "capacity" in sol.unserved["s1"]
    assert [r.stop_ids for r in sol.routes] == [["s0"]]
    assert check_routes(problem, sol) == []


def test_a_window_that_no_shift_reaches_is_reported_with_a_reason():
    problem = _problem([(100, 0), (30000, 0)], [1, 1], [(0, 4000), (0, 100)], 1, 10)
    sol = solve(problem, SolveOptions(time_limit=0.5))
    assert "time window" in sol.unserved["s1"]
    assert check_routes(problem, sol) == []


def test_a_small_vehicle_serves_more_than_its_capacity_by_emptying_at_a_disposal_site():
    depot = Site("hub", x=0.0, y=0.0)
    dump = Site("recycling", x=500.0, y=0.0, service_time=300, accepts=frozenset({"glass"}))
    stops = [Stop(f"shop{k}", x=400.0 + 50 * k, y=100.0 * (k % 3), pickup={"glass": 4},
                  service_time=120) for k in range(6)]
    bike = Vehicle("bike", "hub", {"glass": 10}, shift_end=6 * 3600, category="cargo_bike",
                   zero_emission=True, max_trips=4)
    problem = Problem(stops, [bike], [depot], disposal_sites=[dump])
    sol = solve(problem, SolveOptions(time_limit=2.0))
    assert sol.status == "solved"
    assert check_routes(problem, sol) == []
    (route,) = sol.routes
    assert len(route.stop_ids) == 6
    assert route.trips >= 3  # 24 units of glass in a 10-unit bike
    assert max(v.load["glass"] for v in route.visits) <= 10
    assert [v.kind for v in route.visits].count("disposal") == route.trips - 1


def test_pickup_and_delivery_on_one_round_respect_the_shared_compartment():
    # A gets 8 crates of goods, B gives 8 units of waste; one 10-unit compartment.
    # B lies on the way out, but visiting it first would mean 16 units on board.
    depot = Site("hub", x=0.0, y=0.0)
    a = Stop("A", x=2000.0, y=0.0, delivery={"volume": 8}, service_time=60)
    b = Stop("B", x=300.0, y=0.0, pickup={"volume": 8}, service_time=60)
    c = Stop("C", x=1000.0, y=500.0, delivery={"volume": 1}, pickup={"volume": 1})
    van = Vehicle("van", "hub", {"volume": 10}, shift_end=8 * 3600, category="electric_van")
    problem = Problem([a, b, c], [van], [depot])
    sol = solve(problem, SolveOptions(time_limit=1.0))
    assert sol.status == "solved"
    assert check_routes(problem, sol) == []
    (route,) = sol.routes
    order = route.stop_ids
    assert order.index("A") < order.index("B")
    assert route.visits[0].load == {"volume": 9}  # all goods on board at the start
    assert all(v.load["volume"] <= 10 for v in route.visits)

    # the checker rejects the short but overloaded order
    bad_visits = [Visit("depot", "hub", 0, 0, 0, {}), Visit("stop", "B", 100, 100, 160, {}),
                  Visit("stop", "A", 500, 500, 560, {}), Visit("stop", "C", 900, 900, 900, {}),
                  Visit("depot", "hub", 2000, 2000, 2000, {})]
    ids, dist, _ = distance_matrix(problem)
    pos = {i: k for k, i in enumerate(ids)}
    seq = ["hub", "B", "A", "C", "hub"]
    d = sum(dist[pos[x]][pos[y]] for x, y in itertools.pairwise(seq))
    bad = Solution("solved", [Route("van", bad_visits, d, 1)], {}, d, 1, 0.0)
    assert any("load volume=17" in e for e in check_routes(problem, bad))


def test_a_vehicle_only_visits_its_allowed_stops():
    problem = _problem([(100, 0), (-100, 0), (0, 300)], [1, 1, 1], [(0, 4000)] * 3, 1, 10)
    bike = Vehicle("bike", "hub", {"residual": 10}, shift_end=4000,
                   allowed_stops=frozenset({"s0", "s2"}), zero_emission=True)
    truck = Vehicle("truck", "hub", {"residual": 10}, shift_end=4000)
    problem.vehicles = [bike, truck]
    sol = solve(problem, SolveOptions(time_limit=1.0))
    assert check_routes(problem, sol) == []
    served_by = {s: r.vehicle_id for r in sol.routes for s in r.stop_ids}
    assert served_by["s1"] == "truck"
    assert sol.vehicles_used == 1


def test_zero_emission_zone_stops_go_to_zero_emission_vehicles_only():
    depot = Site("hub", x=0.0, y=0.0)
    stops = [Stop("centre", x=300.0, y=0.0, pickup={"organic": 2}, zero_emission_only=True),
             Stop("edge", x=-300.0, y=0.0, pickup={"organic": 2})]
    bike = Vehicle("bike", "hub", {"organic": 2}, category="cargo_bike", zero_emission=True)
    truck = Vehicle("truck", "hub", {"organic": 20}, category="truck")
    problem = Problem(stops, [truck, bike], [depot])
    sol = solve(problem, SolveOptions(time_limit=0.5))
    assert check_routes(problem, sol) == []
    served_by = {s: r.vehicle_id for r in sol.routes for s in r.stop_ids}
    assert served_by == {"centre": "bike", "edge": "truck"}

    only_trucks = Problem(stops, [truck], [depot])
    sol = solve(only_trucks, SolveOptions(time_limit=0.3))
    assert "zero-emission" in sol.unserved["centre"]
    assert check_routes(only_trucks, sol) == []


def test_lat_lon_stops_use_haversine_with_the_detour_factor():
    depot = Site("leiden-hub", lat=52.1601, lon=4.4970)
    shop = Stop("shop", lat=52.1700, lon=4.4970, pickup={"paper_cardboard": 1})
    van = Vehicle("van", "leiden-hub", {"paper_cardboard": 5}, category="electric_van")
    problem = Problem([shop], [van], [depot])
    _, dist, _ = distance_matrix(problem)
    assert math.isclose(dist[0][1], 1.3 * 1100.8, rel_tol=0.01)
    sol = solve(problem, SolveOptions(time_limit=0.3))
    assert check_routes(problem, sol) == []
    assert sol.total_distance == dist[0][1] + dist[1][0]
    # 25 km/h for an electric van
    arrival = sol.routes[0].visits[1].arrival - sol.routes[0].visits[0].departure
    assert arrival == math.ceil(dist[0][1] * 3.6 / 25)


def test_bundling_report_counts_trips_and_kilometres_against_one_trip_per_stream():
    depot = Site("hub", x=0.0, y=0.0)
    stops = [Stop(f"shop{k}", x=5000.0 + 100 * k, y=0.0,
                  pickup={"glass": 1, "paper_cardboard": 2}) for k in range(3)]
    van = Vehicle("van", "hub", {"glass": 10, "paper_cardboard": 10})
    problem = Problem(stops, [van], [depot])
    sol = solve(problem, SolveOptions(time_limit=0.5))
    rep = bundling_report(problem, sol)
    assert rep.trips == 1
    assert rep.baseline_trips == 6
    assert rep.km < rep.baseline_km
    assert rep.km_saved_pct > 70
    assert math.isclose(rep.km, sol.total_distance / 1000)


def test_vehicles_start_and_end_at_their_own_depot():
    hubs = [Site("leiden", x=0.0, y=0.0), Site("gouda", x=20000.0, y=0.0)]
    stops = [Stop("a", x=500.0, y=0.0, pickup={"residual": 1}),
             Stop("b", x=19500.0, y=0.0, pickup={"residual": 1})]
    vans = [Vehicle("l", "leiden", {"residual": 5}), Vehicle("g", "gouda", {"residual": 5})]
    problem = Problem(stops, vans, hubs)
    sol = solve(problem, SolveOptions(time_limit=0.5))
    assert check_routes(problem, sol) == []
    assert {r.vehicle_id: r.stop_ids for r in sol.routes} == {"l": ["a"], "g": ["b"]}
    assert all(r.visits[0].id == r.visits[-1].id for r in sol.routes)
