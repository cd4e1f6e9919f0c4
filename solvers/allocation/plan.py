"""A mutable allocation plan: who parks where, plus the bookkeeping to keep it feasible."""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import Instance, Request, Timeline


class Plan:
    """Assignments with their occupancy timeline, quota use and objective kept in sync.

    Every solver phase edits one Plan in place through ``assign``/``unassign``,
    so the timeline never drifts from the assignments it describes.
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.timeline = Timeline(inst)
        n = len(inst.requests)
        self.bay_of = np.full(n, -1, dtype=np.int64)
        self.start_of = np.zeros(n, dtype=np.int64)
        self.quota_used: dict[str, int] = dict.fromkeys(inst.quotas, 0)
        self.objective = 0

    def value_of(self, req: Request, bay: int, start: int) -> int:
        opt = req.option_for(bay)
        assert opt is not None, f"bay {bay} is not an option of {req.id}"
        return req.value(opt.walk_cost, start)

    def assign(self, r: int, bay: int, start: int) -> None:
        req = self.inst.requests[r]
        assert self.bay_of[r] < 0, f"{req.id} is already assigned"
        self.timeline.park(req, bay, start)
        self.bay_of[r], self.start_of[r] = bay, start
        self.objective += self.value_of(req, bay, start)
        if req.organisation in self.quota_used:
            self.quota_used[req.organisation] += req.duration

    def unassign(self, r: int) -> None:
        req, bay, start = self.inst.requests[r], int(self.bay_of[r]), int(self.start_of[r])
        if bay < 0:
            return
        self.timeline.unpark(req, bay, start)
        self.bay_of[r] = -1
        self.objective -= self.value_of(req, bay, start)
        if req.organisation in self.quota_used:
            self.quota_used[req.organisation] -= req.duration

    def quota_left(self, req: Request) -> int | None:
        """Kerb minutes the request's organisation may still book; None when unlimited."""
        org = req.organisation
        if org is None or org not in self.inst.quotas:
            return None
        return self.inst.quotas[org] - self.quota_used[org]

    def quota_allows(self, req: Request) -> bool:
        left = self.quota_left(req)
        return left is None or left >= req.duration

    def served(self) -> np.ndarray:
        return np.flatnonzero(self.bay_of >= 0)

    def snapshot(self) -> list[tuple[int, int, int]]:
        return [(int(r), int(self.bay_of[r]), int(self.start_of[r])) for r in self.served()]

    def assignments(self) -> list[dict[str, Any]]:
        """Assignments in the exchange format, ordered by request index."""
        reqs, bays = self.inst.requests, self.inst.bays
        return [{"request": reqs[r].id, "bay": bays[b].id, "start": s}
                for r, b, s in self.snapshot()]

    @classmethod
    def from_triples(cls, inst: Instance, triples: list[tuple[int, int, int]]) -> Plan:
        plan = cls(inst)
        for r, b, s in triples:
            plan.assign(r, b, s)
        return plan
