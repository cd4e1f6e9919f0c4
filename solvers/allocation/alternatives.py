"""Nearest still-free alternatives for a request the plan could not serve."""

from __future__ import annotations

from typing import Any

from .exchange import plan_from_solution
from .model import Instance


def alternatives(instance: dict[str, Any], solution: dict[str, Any], request_id: str,
                 limit: int = 3) -> list[tuple[str, int]]:
    """Up to ``limit`` feasible (bay id, start) pairs nearest the preferred start.

    The plan's other assignments stay put (the request's own one, if any, is
    ignored). Each bay first offers its single nearest start, so a refused
    carrier sees different bays before it sees a bay twice; ties go to the
    shorter walk. Quotas are honoured: an organisation out of kerb minutes gets
    no alternatives.
    """
    inst = Instance.from_json(instance)
    req = inst.requests[inst.request_index[request_id]]
    plan = plan_from_solution(inst, solution, skip=request_id)
    if not plan.quota_allows(req):
        return []
    firsts, rest = [], []
    for opt in req.options:
        starts = plan.timeline.free_starts(req, opt.bay).tolist()
        starts.sort(key=lambda s: (abs(s - req.preferred_start), s))
        keyed = [(abs(s - req.preferred_start), opt.walk_m, inst.bays[opt.bay].id, s)
                 for s in starts[:limit]]
        firsts += keyed[:1]
        rest += keyed[1:]
    ranked = sorted(firsts) + sorted(rest)
    return [(bay, start) for _, _, bay, start in ranked[:limit]]
