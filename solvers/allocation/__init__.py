"""Batch slot allocation for loading bays (plain Python, no Django).

Public API:

* ``solve(instance, *, time_limit, workers=2, seed=0, progress=None)`` – plan a day;
* ``fcfs(instance)`` – first-come-first-served baseline on a 5-minute grid;
* ``check(instance, solution)`` – feasibility errors and objective;
* ``lp_bound(instance, *, time_limit)`` – proven upper bound from an LP relaxation;
* ``alternatives(instance, solution, request_id, limit=3)`` – free slots near the wish.

Instances and solutions are dicts in the ``venster-allocation/1`` exchange format.
"""

from __future__ import annotations

import time
from typing import Any

from . import greedy
from .alternatives import alternatives
from .bound import lp_bound
from .check import Report, check
from .exchange import solution_dict
from .model import Instance
from .solver import solve

__all__ = ["Report", "alternatives", "check", "fcfs", "lp_bound", "solve"]


def fcfs(instance: dict[str, Any]) -> dict[str, Any]:
    """The instant-portal baseline as a solution dict (bound left empty)."""
    started = time.monotonic()
    inst = Instance.from_json(instance)
    plan = greedy.fcfs(inst)
    return solution_dict(inst, plan, status="FEASIBLE", bound=None,
                         seconds=time.monotonic() - started)
