"""The hub-siting core against brute force, an independent checker and the published
optima of OR-Library's capacitated warehouse location instances."""

from __future__ import annotations

import csv
import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from scipy.optimize import linprog

from solvers.siting import SitingInstance, SitingOptions, read_orlib, solve
from solvers.siting.transport import serve

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "siting"
OPTIMA = {row["instance"]: float(row["optimal"])
          for row in csv.DictReader((DATA / "optima.csv").read_text().splitlines())}


def checked_value(inst: SitingInstance, open_sites, shares) -> float:
    """The plan's cost, after checking it the way the benchmark's checker does."""
    opened = set(open_sites)
    served = np.zeros(inst.points)
    load = np.zeros(inst.sites)
    pairs = set()
    for point, site, share in shares:
        assert site in opened, f"point {point} served from closed site {site}"
        assert 0 < share <= 1 + 1e-9 and (point, site) not in pairs
        pairs.add((point, site))
        served[point] += share
        load[site] += inst.demand[point] * share
    assert np.allclose(served, 1.0, atol=1e-6), "every point is served in full"
    assert np.all(load <= inst.capacity * (1 + 1e-6)), "no site over its capacity"
    return float(inst.fixed_cost[sorted(opened)].sum()
                 + sum(inst.cost[site, point] * share for point, site, share in shares))


def transport_lp(inst: SitingInstance, open_sites) -> float | None:
    """Serving cost from ``open_sites`` by scipy's LP (independent of the flow solver)."""
    sites = list(open_sites)
    k, n = len(sites), inst.points
    if inst.capacity[sites].sum() < inst.demand.sum() - 1e-9:
        return None
    cost = inst.cost[sites].reshape(-1)
    each_point = np.zeros((n, k * n))
    for j in range(n):
        each_point[j, j::n] = 1
    per_site = np.zeros((k, k * n))
    for a in range(k):
        per_site[a, a * n:(a + 1) * n] = inst.demand
    result = linprog(cost, A_ub=per_site, b_ub=inst.capacity[sites], A_eq=each_point,
                     b_eq=np.ones(n), bounds=(0, 1), method="highs")
    return float(result.fun) if result.status == 0 else None


def brute_force(inst: SitingInstance, *, must_open=(), open_count=None) -> float:
    best = np.inf
    for size in range(1, inst.sites + 1):
        if open_count is not None and size != open_count:
            continue
        for sites in itertools.combinations(range(inst.sites), size):
            if not set(must_open) <= set(sites):
                continue
            serving = transport_lp(inst, sites)
            if serving is not None:
                best = min(best, serving + float(inst.fixed_cost[list(sites)].sum()))
    return best


def random_instance(seed: int, sites: int = 5, points: int = 12) -> SitingInstance:
    rng = random.Random(seed)
    demand = [rng.randint(1, 40) for _ in range(points)]
    capacity = [rng.randint(40, 160) for _ in range(sites)]
    while sum(capacity) < sum(demand):
        capacity[rng.randrange(sites)] += 50
    where = [(rng.random(), rng.random()) for _ in range(sites + points)]
    cost = [[round(demand[j] * 100 * np.hypot(where[i][0] - where[sites + j][0],
                                              where[i][1] - where[sites + j][1]), 3)
             for j in range(points)] for i in range(sites)]
    fixed = [rng.choice([0, 200, 600, 1500]) for _ in range(sites)]
    return SitingInstance.from_lists(f"random-{seed}", capacity, fixed, demand, cost)


@pytest.mark.parametrize("seed", range(12))
def test_the_exact_model_finds_the_brute_force_optimum(seed):
    inst = random_instance(seed)
    plan = solve(inst, SitingOptions(time_limit=10))
    optimum = brute_force(inst)
    assert plan.status == "optimal"
    assert checked_value(inst, plan.open_sites, plan.shares) == pytest.approx(optimum, rel=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_the_lagrangian_search_brackets_the_optimum(seed):
    """Its plan is feasible and never below the optimum, its bound never above it."""
    inst = random_instance(seed, sites=6, points=20)
    plan = solve(inst, SitingOptions(time_limit=1.5, exact_size=0, seed=seed))
    optimum = brute_force(inst)
    value = checked_value(inst, plan.open_sites, plan.shares)
    assert value == pytest.approx(plan.objective, rel=1e-9)
    assert value >= optimum * (1 - 1e-6)
    assert plan.bound <= optimum * (1 + 1e-6)
    assert value <= optimum * 1.05, "the search gets close on a six-site instance"


@pytest.mark.parametrize("exact_size", [0, 10_000], ids=["lagrangian", "exact"])
@pytest.mark.parametrize("seed", range(4))
def test_pinned_sites_and_the_number_of_sites_are_kept(seed, exact_size):
    inst = random_instance(100 + seed)
    options = SitingOptions(time_limit=2, must_open=[1], open_count=3, exact_size=exact_size)
    plan = solve(inst, options)
    optimum = brute_force(inst, must_open=[1], open_count=3)
    if not np.isfinite(optimum):
        assert plan is None
        return
    assert 1 in plan.open_sites and len(plan.open_sites) == 3
    value = checked_value(inst, plan.open_sites, plan.shares)
    assert value >= optimum * (1 - 1e-6) and plan.bound <= optimum * (1 + 1e-6)
    if exact_size:
        assert value == pytest.approx(optimum, rel=1e-6)


def test_the_flow_and_an_lp_agree_on_the_serving_cost():
    for seed in range(10):
        inst = random_instance(200 + seed, sites=6, points=25)
        sites = [s for s in range(6) if s % 2 == seed % 2] + [5]
        flow, lp = serve(inst, sites), transport_lp(inst, sorted(set(sites)))
        if lp is None:
            assert flow is None
        else:
            assert flow.cost == pytest.approx(lp, rel=1e-7)
            checked_value(inst, sorted(set(sites)), flow.shares)


def test_sites_that_cannot_hold_the_demand_have_no_plan():
    inst = SitingInstance.from_lists("tight", [10, 10], [1, 1], [8, 8], [[1, 2], [2, 1]])
    assert serve(inst, [0]) is None
    with pytest.raises(ValueError, match="cannot hold"):
        SitingInstance.from_lists("short", [5, 5], [1, 1], [8, 8], [[1, 2], [2, 1]])


# One instance of each OR-Library set; the benchmark re-proves all 37.
@pytest.mark.parametrize("name", ["cap41", "cap51", "cap61", "cap71", "cap81", "cap91",
                                  "cap101", "cap111", "cap121", "cap131"])
def test_published_optima_are_reproved(name):
    inst = read_orlib(DATA / f"{name}.txt")
    plan = solve(inst, SitingOptions(time_limit=60))
    assert plan.status == "optimal"
    value = checked_value(inst, plan.open_sites, plan.shares)
    assert value == pytest.approx(OPTIMA[name], rel=1e-6)


def test_a_file_that_leaves_the_capacity_open_needs_one():
    with pytest.raises(ValueError, match="capacity"):
        read_orlib(DATA / "capa.txt")
    inst = read_orlib(DATA / "capa.txt", capacity=8000)
    assert (inst.sites, inst.points) == (100, 1000) and set(inst.capacity) == {8000}


def test_site_hubs_writes_a_solution_the_checker_accepts(tmp_path):
    output = tmp_path / "plan.json"
    call_command("site_hubs", str(DATA / "cap41.txt"), "--output", str(output),
                 "--time-limit", "30")
    plan = json.loads(output.read_text())
    inst = read_orlib(DATA / "cap41.txt")
    assert plan["instance"] == "cap41" and plan["status"] == "OPTIMAL"
    shares = [(point, site, share) for point, site, share in plan["assign"]]
    assert checked_value(inst, plan["open"], shares) == pytest.approx(OPTIMA["cap41"], rel=1e-6)
