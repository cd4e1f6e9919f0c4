"""The allocator against a brute-force optimum on instances small enough to enumerate."""

import random

import pytest

from solvers.allocation import check, fcfs, lp_bound, solve

from .allocation_helpers import brute_force_optimum, random_tiny


@pytest.mark.parametrize("seed", range(6))
def test_solve_finds_the_brute_force_optimum_on_tiny_days(seed):
    day = random_tiny(random.Random(seed))
    best = brute_force_optimum(day)
    plan = solve(day, time_limit=5, workers=1, seed=seed)
    assert check(day, plan).feasible
    assert plan["objective"] == best


@pytest.mark.parametrize("seed", range(6))
def test_solve_proves_optimality_on_tiny_days_and_says_so(seed):
    day = random_tiny(random.Random(seed))
    plan = solve(day, time_limit=5, workers=2, seed=seed)
    assert plan["status"] == "OPTIMAL"
    assert plan["bound"] == plan["objective"]


@pytest.mark.parametrize("seed", range(6))
def test_lp_bound_is_never_below_the_true_optimum(seed):
    day = random_tiny(random.Random(seed), n_requests=5)
    assert lp_bound(day, time_limit=5) >= brute_force_optimum(day)


def test_lp_bound_of_a_generated_day_lies_between_the_plan_and_serving_everyone():
    from solvers.allocation.generate import generate

    day = generate("small", 3, requests=120)
    plan = solve(day, time_limit=1.5, seed=3)
    bound = lp_bound(day, time_limit=20)
    everyone = sum(10000 * r["weight"] for r in day["requests"])
    assert plan["objective"] <= bound < everyone
    assert plan["objective"] >= check(day, fcfs(day)).objective
