"""Reading and writing the JSON exchange format (``venster-allocation/1``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Instance
from .plan import Plan

SOLUTION_FORMAT = "venster-allocation-solution/1"


def load(path: str | Path) -> dict[str, Any]:
    with open(path) as f:
        data: dict[str, Any] = json.load(f)
    return data


def save(data: dict[str, Any], path: str | Path) -> None:
    with open(path, "w") as f:
        json.dump(data, f)
        f.write("\n")


def solution_dict(inst: Instance, plan: Plan, *, status: str, bound: float | None,
                  seconds: float | None) -> dict[str, Any]:
    """A plan in the solution format; ``bound`` is a proven upper bound or None."""
    return {
        "format": SOLUTION_FORMAT,
        "instance": inst.name,
        "assignments": plan.assignments(),
        "status": status,
        "objective": int(plan.objective),
        "bound": None if bound is None else int(bound),
        "seconds": None if seconds is None else round(seconds, 3),
    }


def plan_from_solution(inst: Instance, solution: dict[str, Any] | list[dict[str, Any]],
                       skip: str | None = None) -> Plan:
    """Rebuild a Plan from exchange-format assignments (optionally leaving one request out)."""
    assignments = solution["assignments"] if isinstance(solution, dict) else solution
    triples = [(inst.request_index[a["request"]], inst.bay_index[a["bay"]], int(a["start"]))
               for a in assignments if a["request"] != skip]
    return Plan.from_triples(inst, triples)
