"""The benchmark command prints one JSON object with the fields the benchmark expects."""

import io
import json
from pathlib import Path

from django.core.management import call_command

INSTANCE = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "solomon" / "C101.txt"


def test_solve_vrptw_prints_one_json_object_with_a_feasible_plan():
    out = io.StringIO()
    call_command("solve_vrptw", str(INSTANCE), "--time-limit", "3", stdout=out)
    result = json.loads(out.getvalue())
    assert list(result) == ["instance", "vehicles", "distance", "routes", "seconds"]
    assert result["instance"] == "C101"
    assert sorted(c for route in result["routes"] for c in route) == list(range(1, 101))
    assert result["vehicles"] == len(result["routes"]) >= 10
