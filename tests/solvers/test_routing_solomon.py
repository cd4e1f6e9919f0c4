"""Solomon parser and a short solve checked in exact floating point."""

from __future__ import annotations

from pathlib import Path

from solvers.routing.solomon import (
    SolomonInstance,
    check_solomon,
    load_solomon,
    parse_solomon,
    route_distance,
    solve_solomon,
)

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "solomon"


def test_the_parser_reads_c101_with_its_depot_fleet_and_customers():
    inst = load_solomon(DATA / "C101.txt")
    assert inst.name == "C101"
    assert (inst.vehicles, inst.capacity) == (25, 200)
    assert len(inst.customers) == 101
    depot, first, last = inst.customers[0], inst.customers[1], inst.customers[100]
    assert (depot.number, depot.x, depot.y, depot.demand, depot.due) == (0, 40, 50, 0, 1236)
    assert (first.x, first.y, first.demand, first.ready, first.due, first.service) == (
        45, 68, 10, 912, 967, 90)
    assert last.number == 100


def test_the_parser_accepts_plain_newlines_and_uneven_spacing():
    text = ("X1\n\nVEHICLE\nNUMBER     CAPACITY\n  2   10\n\nCUSTOMER\n"
            "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n"
            "\n 0 0 0 0 0 100 0\n1   3  4   5   0   50    2\n")
    inst = parse_solomon(text)
    assert (inst.name, inst.vehicles, inst.capacity) == ("X1", 2, 10)
    assert inst.dist(0, 1) == 5.0
    assert check_solomon(inst, [[1]]) == []
    assert route_distance(inst, [1]) == 10.0


def test_the_float_checker_rejects_late_service_and_overload():
    inst = parse_solomon("Y\nNUMBER CAPACITY\n1 5\n0 0 0 0 0 100 0\n1 3 4 3 0 4.9 0\n"
                         "2 0 1 3 0 100 0\n")
    errors = check_solomon(inst, [[1, 2]])
    assert any("customer 1 starts" in e for e in errors)
    assert any("load 6 > 5" in e for e in errors)


def test_a_short_solve_of_the_first_25_customers_of_c101_is_feasible():
    full = load_solomon(DATA / "C101.txt")
    inst = SolomonInstance("C101.25", full.vehicles, full.capacity, full.customers[:26])
    out = solve_solomon(inst, time_limit=3.0)
    assert out["feasible"] is True
    assert sorted(c for r in out["routes"] for c in r) == list(range(1, 26))
    assert out["vehicles"] == 3  # the known optimum for C101 with 25 customers
    assert abs(out["distance"] - sum(route_distance(inst, r) for r in out["routes"])) < 1e-3
    assert set(out) >= {"instance", "vehicles", "distance", "routes", "seconds", "feasible"}
