"""The allocation checker on hand-made feasible and infeasible plans."""

from solvers.allocation import check

from .allocation_helpers import bay, instance, request

ZE_AFTERNOON = [{"start": 420, "end": 660, "zero_emission_only": False},
                {"start": 660, "end": 720, "zero_emission_only": True}]


def day():
    return instance(
        [bay("B1", 12.0, 1), bay("B2", 15.0, 2, ZE_AFTERNOON)],
        [request("R1", ["B1", "B2"], start=430, slack=30, length=6.5, walks=[40, 125]),
         request("R2", ["B2"], start=430, slack=30, length=10.0),
         request("R3", ["B2"], start=650, slack=40, duration=20, ze=True, length=2.5),
         request("R4", ["B2"], start=650, slack=40, duration=20, ze=False, length=2.5)])


def test_a_valid_plan_is_feasible_and_scored_by_the_format_rules():
    plan = [{"request": "R1", "bay": "B2", "start": 432},
            {"request": "R3", "bay": "B2", "start": 660}]
    report = check(day(), plan)
    assert report.feasible, report.errors
    # R1: 10000 - 2 minutes late - round(125 / 10) = 12 (half to even)
    assert report.objective == (10000 - 2 - 12) + (10000 - 10 - 1)
    assert report.served == 2


def test_two_vehicles_in_a_one_vehicle_bay_at_the_same_minute_are_infeasible():
    plan = [{"request": "R1", "bay": "B1", "start": 430},
            {"request": "R2", "bay": "B1", "start": 439}]
    assert not check(day(), {"assignments": plan}).feasible


def test_back_to_back_vehicles_in_a_one_vehicle_bay_are_feasible():
    plan = [{"request": "R1", "bay": "B1", "start": 430},
            {"request": "R2", "bay": "B1", "start": 440}]
    assert not check(day(), plan).feasible  # R2 does not accept B1
    plan[1]["bay"] = "B2"
    assert check(day(), plan).feasible


def test_kerb_length_is_enforced_even_below_the_vehicle_count():
    d = day()
    d["requests"][0]["options"] = [{"bay": "B2", "walk_m": 10}]
    d["requests"][0]["length_m"] = 6.0
    plan = [{"request": "R1", "bay": "B2", "start": 430},
            {"request": "R2", "bay": "B2", "start": 435}]
    report = check(d, plan)
    assert not report.feasible
    assert any("kerb length" in e for e in report.errors)


def test_only_zero_emission_vehicles_may_use_zero_emission_only_hours():
    ok = check(day(), [{"request": "R3", "bay": "B2", "start": 655}])
    bad = check(day(), [{"request": "R4", "bay": "B2", "start": 655}])
    assert ok.feasible
    assert not bad.feasible


def test_a_closed_bay_admits_nobody():
    report = check(day(), [{"request": "R3", "bay": "B2", "start": 705}])
    assert not report.feasible  # runs past 12:00 when B2 closes


def test_window_option_duplicate_and_unknown_errors_are_reported():
    plan = [{"request": "R1", "bay": "B1", "start": 425},
            {"request": "R2", "bay": "B1", "start": 430},
            {"request": "R3", "bay": "B2", "start": 660},
            {"request": "R3", "bay": "B2", "start": 690},
            {"request": "R9", "bay": "B2", "start": 430},
            {"request": "R1", "bay": "B1", "start": 430.5}]
    report = check(day(), plan)
    assert len(report.errors) == 5
    assert report.served == 1


def test_quotas_are_checked_only_when_the_instance_has_them():
    d = day()
    for r in d["requests"]:
        r["organisation"] = "carrier"
    plan = [{"request": "R1", "bay": "B1", "start": 430},
            {"request": "R2", "bay": "B2", "start": 430}]
    assert check(d, plan).feasible
    d["quotas"] = {"carrier": 15}
    assert not check(d, plan).feasible
