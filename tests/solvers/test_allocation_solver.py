"""Behaviour of solve, fcfs and alternatives on small generated and hand-made days."""

import random
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers.allocation import alternatives, check, fcfs, solve
from solvers.allocation.generate import generate
from solvers.allocation.greedy import weight_first
from solvers.allocation.model import Instance

from .allocation_helpers import bay, instance, random_tiny, request


def test_fcfs_serves_in_arrival_order_on_the_five_minute_grid():
    d = instance([bay("B1")], [request("R1", ["B1"], start=431, slack=20, seq=1),
                               request("R2", ["B1"], start=431, slack=20, seq=0)])
    plan = fcfs(d)
    starts = {a["request"]: a["start"] for a in plan["assignments"]}
    assert starts == {"R2": 431, "R1": 445}


def test_solve_is_never_worse_than_fcfs_on_a_generated_day():
    day = generate("small", 2, requests=150)
    plan = solve(day, time_limit=1.5, seed=1)
    assert check(day, plan).feasible
    assert plan["objective"] >= check(day, fcfs(day)).objective


def test_solve_returns_its_best_plan_within_the_time_limit():
    day = generate("small", 4)
    started = time.monotonic()
    plan = solve(day, time_limit=2.0, workers=2, seed=0)
    assert time.monotonic() - started < 2.0 + 0.5
    assert plan["status"] in {"OPTIMAL", "FEASIBLE"}
    assert plan["seconds"] <= 2.5


def test_solve_honours_organisation_quotas():
    day = generate("small", 5, requests=150, quotas=True)
    plan = solve(day, time_limit=1.5, seed=2)
    report = check(day, plan)
    assert report.feasible, report.errors[:3]
    used: dict[str, int] = {}
    reqs = {r["id"]: r for r in day["requests"]}
    for a in plan["assignments"]:
        r = reqs[a["request"]]
        used[r["organisation"]] = used.get(r["organisation"], 0) + r["duration"]
    assert all(used.get(org, 0) <= q for org, q in day["quotas"].items())


def test_a_binding_quota_keeps_the_heavier_request():
    d = instance([bay("B1", capacity=2, length=15)],
                 [request("R1", ["B1"], organisation="carrier", weight=1),
                  request("R2", ["B1"], organisation="carrier", weight=2),
                  request("R3", ["B1"], organisation="other")],
                 quotas={"carrier": 10})
    plan = solve(d, time_limit=2)
    assert sorted(a["request"] for a in plan["assignments"]) == ["R2", "R3"]
    assert plan["status"] == "OPTIMAL"


def test_zero_emission_only_hours_go_to_clean_vehicles_only():
    hours = [{"start": 660, "end": 720, "zero_emission_only": True}]
    d = instance([bay("B1", capacity=2, length=15, open_=hours)],
                 [request("DIESEL", ["B1"], start=660, weight=3),
                  request("CLEAN", ["B1"], start=660, ze=True)])
    plan = solve(d, time_limit=2)
    assert [a["request"] for a in plan["assignments"]] == ["CLEAN"]


def test_alternatives_are_free_and_nearest_the_preferred_start():
    d = instance([bay("B1"), bay("B2")],
                 [request("R1", ["B1", "B2"], start=450, slack=60, seq=0),
                  request("R2", ["B1"], start=450, slack=60, seq=1)])
    plan = {"assignments": [{"request": "R1", "bay": "B1", "start": 450}]}
    offers = alternatives(d, plan, "R2", limit=3)
    assert offers[0] == ("B1", 460)
    assert len(offers) == 3
    for bay_id, start in offers:
        extended = plan["assignments"] + [{"request": "R2", "bay": bay_id, "start": start}]
        assert check(d, extended).feasible
    assert [s for _, s in offers] == sorted((s for _, s in offers), key=lambda s: abs(s - 450))


def test_alternatives_skip_a_bay_that_is_full_all_window():
    d = instance([bay("B1"), bay("B2")],
                 [request("R1", ["B1"], start=420, duration=240, seq=0),
                  request("R2", ["B1", "B2"], start=450, slack=10, seq=1)])
    plan = {"assignments": [{"request": "R1", "bay": "B1", "start": 420}]}
    assert {b for b, _ in alternatives(d, plan, "R2")} == {"B2"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 9))
def test_every_plan_from_solve_greedy_and_fcfs_is_feasible(seed, n):
    day = random_tiny(random.Random(seed), n_requests=n)
    inst = Instance.from_json(day)
    base = check(day, fcfs(day))
    assert base.feasible
    for step in (1, 5):
        assert check(day, weight_first(inst, step=step).assignments()).feasible
    plan = solve(day, time_limit=0.5, workers=1, seed=seed)
    report = check(day, plan)
    assert report.feasible, report.errors
    assert report.objective == plan["objective"] >= base.objective
    assert plan["bound"] >= plan["objective"]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_lns_plans_on_generated_days_stay_feasible(seed):
    day = generate("small", seed, bays=6, requests=120, quotas=seed % 2 == 0)
    plan = solve(day, time_limit=0.6, seed=seed)
    report = check(day, plan)
    assert report.feasible, report.errors[:3]
    assert report.objective == plan["objective"] >= check(day, fcfs(day)).objective
