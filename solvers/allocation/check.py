"""Independent feasibility checker and scorer for allocation plans.

Deliberately written without the solver's Timeline: a plain minute-by-minute
replay, so a bug in the solver's bookkeeping cannot hide itself here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAY = 24 * 60
TOLERANCE = 1e-9


@dataclass
class Report:
    """Result of checking one solution against its instance."""

    feasible: bool
    errors: list[str] = field(default_factory=list)
    objective: int = 0
    served: int = 0
    served_weight: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"feasible": self.feasible, "errors": self.errors, "objective": self.objective,
                "served": self.served, "served_weight": self.served_weight}


def _admitted_minutes(bay: dict[str, Any], zero_emission: bool) -> set[int]:
    minutes: set[int] = set()
    for o in bay.get("open", []):
        if zero_emission or not o.get("zero_emission_only", False):
            minutes.update(range(max(0, o["start"]), min(DAY, o["end"])))
    return minutes


def _static_error(req: dict[str, Any], bay: dict[str, Any] | None, bay_id: str,
                  start: object) -> str | None:
    """Why this placement is wrong regardless of other vehicles, or None."""
    if bay is None:
        return f"unknown bay {bay_id}"
    if not isinstance(start, int) or isinstance(start, bool):
        return f"start {start!r} is not a whole minute"
    if bay_id not in {o["bay"] for o in req["options"]}:
        return f"bay {bay_id} is not among its options"
    end = start + req["duration"]
    if start < req["earliest_start"] or end > req["latest_end"] or start < 0 or end > DAY:
        return f"start {start} outside its window"
    if req["length_m"] > bay["length_m"] + TOLERANCE:
        return f"vehicle longer than bay {bay_id}"
    admitted = _admitted_minutes(bay, bool(req["zero_emission"]))
    closed = [t for t in range(start, end) if t not in admitted]
    if closed:
        return f"bay {bay_id} does not admit this vehicle at minute {closed[0]}"
    return None


def check(instance: dict[str, Any], solution: dict[str, Any] | list[dict[str, Any]]) -> Report:
    """Check rules 1-5 of the exchange format (plus quotas when present) and score the plan."""
    assignments = solution["assignments"] if isinstance(solution, dict) else solution
    bays = {b["id"]: b for b in instance["bays"]}
    reqs = {r["id"]: r for r in instance["requests"]}
    report, seen = Report(feasible=True), set()
    count: dict[tuple[str, int], int] = {}
    length: dict[tuple[str, int], float] = {}
    quota_use: dict[str, int] = {}
    for a in assignments:
        # Any: the values are checked below, before they are used as ids and minutes
        rid: Any = a.get("request")
        bay_id: Any = a.get("bay")
        start: Any = a.get("start")
        req = reqs.get(rid)
        error: str | None
        if req is None:
            error = "unknown request"
        elif rid in seen:
            error = "assigned twice"
        else:
            error = _static_error(req, bays.get(bay_id), bay_id, start)
        if error is not None or req is None:
            report.errors.append(f"request {rid}: {error}")
            continue
        seen.add(rid)
        for t in range(start, start + req["duration"]):
            count[bay_id, t] = count.get((bay_id, t), 0) + 1
            length[bay_id, t] = length.get((bay_id, t), 0.0) + req["length_m"]
        org = req.get("organisation")
        if org is not None:
            quota_use[org] = quota_use.get(org, 0) + req["duration"]
        walk = next(o["walk_m"] for o in req["options"] if o["bay"] == bay_id)
        report.objective += (10000 * req["weight"] - abs(start - req["preferred_start"])
                             - round(walk / 10))
        report.served += 1
        report.served_weight += req["weight"]
    report.errors += _capacity_errors(bays, count, length)
    report.errors += _quota_errors(instance.get("quotas") or {}, quota_use)
    report.feasible = not report.errors
    return report


def _capacity_errors(bays: dict[str, Any], count: dict[tuple[str, int], int],
                     length: dict[tuple[str, int], float]) -> list[str]:
    errors = []
    for (bay_id, t), n in sorted(count.items()):
        bay = bays[bay_id]
        if n > bay["capacity"]:
            errors.append(f"bay {bay_id} over capacity at minute {t}")
        if length[bay_id, t] > bay["length_m"] + TOLERANCE:
            errors.append(f"bay {bay_id} over its kerb length at minute {t}")
    return errors


def _quota_errors(quotas: dict[str, Any], use: dict[str, int]) -> list[str]:
    return [f"organisation {org} books {use.get(org, 0)} kerb minutes, quota {q}"
            for org, q in sorted(quotas.items()) if use.get(org, 0) > q]
