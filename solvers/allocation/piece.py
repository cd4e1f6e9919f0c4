"""Exact re-optimisation of one piece of a plan (some bays over a time window) with CP-SAT.

A piece frees the requests parked entirely inside the window at the chosen
bays and adds unserved requests that could park there. Everything else stays
put and is seen only as background occupancy, so any solution of the piece is
feasible for the whole day. The model is time-indexed: one Boolean per
(request, bay, start) and one kerb-length and one vehicle-count constraint per
minute whose set of covering placements differs, checked at minute level even
when starts are offered on a coarser grid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from .model import Request
from .plan import Plan


@dataclass
class Piece:
    """Placements offered to CP-SAT for one neighbourhood and the plan they replace."""

    bays: list[int]
    t0: int
    t1: int
    freed: list[tuple[int, int, int]]
    requests: list[int] = field(default_factory=list)
    var_req: list[int] = field(default_factory=list)
    var_bay: list[int] = field(default_factory=list)
    var_start: list[int] = field(default_factory=list)
    var_value: list[int] = field(default_factory=list)
    current_vars: list[int] = field(default_factory=list)
    reserved: set[int] = field(default_factory=set)

    @property
    def old_value(self) -> int:
        """Objective of the freed requests where they were parked before."""
        return sum(self.var_value[i] for i in self.current_vars)


def offered_starts(free: np.ndarray, req: Request, step: int, keep: int | None) -> np.ndarray:
    """Grid starts plus preferred, current and run-edge starts among the free ones.

    Run edges (first and last start of every free run) let a vehicle sit flush
    against its neighbours, which a coarse grid alone would miss.
    """
    if step <= 1 or len(free) == 0:
        return free
    mask = free % step == 0
    gaps = np.diff(free) != 1
    mask[0] = mask[-1] = True
    mask[1:] |= gaps
    mask[:-1] |= gaps
    mask |= free == min(max(req.preferred_start, req.first_start), req.last_start)
    if keep is not None:
        mask |= free == keep
    offered: np.ndarray = free[mask]
    return offered


def build_piece(plan: Plan, bays: list[int], t0: int, t1: int, extra: list[int],
                step: int) -> Piece:
    """Free the piece's parked requests (the caller must restore or replace them)."""
    bayset = set(bays)
    reqs = plan.inst.requests
    ends = plan.start_of + plan.inst.durations
    inside = np.isin(plan.bay_of, bays) & (plan.start_of >= t0) & (ends <= t1)
    freed = [(int(r), int(plan.bay_of[r]), int(plan.start_of[r])) for r in np.flatnonzero(inside)]
    for r, _, _ in freed:
        plan.unassign(r)
    piece = Piece(bays=list(bays), t0=t0, t1=t1, freed=freed)
    current = {r: (b, s) for r, b, s in freed}
    for r in [f[0] for f in freed] + [r for r in extra if r not in current]:
        _offer(plan, piece, reqs[r], bayset, current.get(r), step)
    return piece


def _offer(plan: Plan, piece: Piece, req: Request, bayset: set[int],
           current: tuple[int, int] | None, step: int) -> None:
    added = False
    for opt in req.options:
        if opt.bay not in bayset:
            continue
        free = plan.timeline.free_starts(req, opt.bay, piece.t0, piece.t1 - req.duration)
        keep = current[1] if current and current[0] == opt.bay else None
        for s in offered_starts(free, req, step, keep):
            i = len(piece.var_req)
            piece.var_req.append(req.index)
            piece.var_bay.append(opt.bay)
            piece.var_start.append(int(s))
            piece.var_value.append(req.value(opt.walk_cost, int(s)))
            if keep is not None and s == keep:
                piece.current_vars.append(i)
            added = True
    if added:
        piece.requests.append(req.index)


def _capacity_rows(plan: Plan, piece: Piece, bay: int, idx: np.ndarray
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, float, int]]:
    """(vars, lengths, kerb left, vehicles left) per minute with a distinct, binding cover."""
    inst, tl = plan.inst, plan.timeline
    b = inst.bays[bay]
    t0, width = piece.t0, piece.t1 - piece.t0
    starts = np.array([piece.var_start[i] for i in idx]) - t0
    durs = np.array([inst.requests[piece.var_req[i]].duration for i in idx])
    lens = np.array([inst.requests[piece.var_req[i]].length_m for i in idx])
    cover = np.zeros((len(idx), width), dtype=bool)
    for k, (s, d) in enumerate(zip(starts, durs, strict=True)):
        cover[k, s : s + d] = True
    kerb_left = b.length_m - tl.length[bay, piece.t0 : piece.t1]
    cars_left = b.capacity - tl.count[bay, piece.t0 : piece.t1]
    best: dict[bytes, tuple[np.ndarray, float, int]] = {}
    for t in range(width):
        col = cover[:, t]
        members = np.flatnonzero(col)
        if len(members) <= 1:
            continue
        key = col.tobytes()
        old = best.get(key)
        kl, cl = kerb_left[t], cars_left[t]
        if old is not None:
            kl, cl = min(kl, old[1]), min(cl, old[2])
        best[key] = (members, kl, cl)
    for members, kl, cl in best.values():
        yield idx[members], lens[members], kl, cl


def solve_piece(plan: Plan, piece: Piece, *, time_limit: float, workers: int, seed: int,
                presolve: bool = True
                ) -> tuple[list[int] | None, int, float | None, bool]:
    """Solve the piece; returns (chosen var indices or None, objective, bound, optimal).

    Small LNS pieces are solved without CP-SAT presolve: on them presolve costs
    more wall time than it saves, and more pieces get proven optimal.
    """
    n = len(piece.var_req)
    if n == 0:
        return None, 0, 0, True
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(n)]
    by_req: dict[int, list[int]] = {}
    by_bay: dict[int, list[int]] = {}
    for i in range(n):
        by_req.setdefault(piece.var_req[i], []).append(i)
        by_bay.setdefault(piece.var_bay[i], []).append(i)
    for vs in by_req.values():
        if len(vs) > 1:
            m.add_at_most_one(x[i] for i in vs)
    for bay, vs in by_bay.items():
        _add_capacity(m, x, plan, piece, bay, np.array(vs))
    _add_quotas(m, x, plan, piece, by_req)
    m.maximize(sum(v * x[i] for i, v in enumerate(piece.var_value)))
    cur = set(piece.current_vars)
    for i in range(n):
        m.add_hint(x[i], i in cur)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.cp_model_presolve = presolve
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, 0, None, False
    chosen = [i for i in range(n) if solver.boolean_value(x[i])]
    return (chosen, int(round(solver.objective_value)), solver.best_objective_bound,
            status == cp_model.OPTIMAL)


def _add_capacity(m: cp_model.CpModel, x: list[cp_model.IntVar], plan: Plan, piece: Piece,
                  bay: int, idx: np.ndarray) -> None:
    for members, lens, kerb_left, cars_left in _capacity_rows(plan, piece, bay, idx):
        if lens.sum() > kerb_left + 1e-9:
            # Kerb lengths are decimetre-precise in practice; scale to integers safely.
            # Rounding can only be off by far less than a vehicle; apply() re-checks.
            scale = 1000
            weights = np.ceil(lens * scale - 1e-6).astype(int).tolist()
            m.add(sum(w * x[i] for i, w in zip(members, weights, strict=True))
                  <= int(np.floor(kerb_left * scale + 1e-6)))
        if len(members) > cars_left:
            m.add(sum(x[i] for i in members) <= int(cars_left))


def _add_quotas(m: cp_model.CpModel, x: list[cp_model.IntVar], plan: Plan, piece: Piece,
                by_req: dict[int, list[int]]) -> None:
    reqs = plan.inst.requests
    per_org: dict[str, list[tuple[int, int]]] = {}
    for r, vs in by_req.items():
        left = plan.quota_left(reqs[r])
        if left is not None:
            org = reqs[r].organisation
            assert org is not None  # quota_left is None without an organisation
            per_org.setdefault(org, []).extend((i, reqs[r].duration) for i in vs)
    for org, terms in per_org.items():
        left = plan.inst.quotas[org] - plan.quota_used[org]
        m.add(sum(d * x[i] for i, d in terms) <= left)


def restore(plan: Plan, piece: Piece) -> None:
    """Put the freed requests back where they were."""
    for r, b, s in piece.freed:
        plan.assign(r, b, s)


def apply(plan: Plan, piece: Piece, chosen: list[int]) -> bool:
    """Park the chosen placements, re-checking each at minute level; restore on any doubt."""
    placed: list[int] = []
    reqs = plan.inst.requests
    for i in chosen:
        r, b, s = piece.var_req[i], piece.var_bay[i], piece.var_start[i]
        ok = plan.bay_of[r] < 0 and plan.quota_allows(reqs[r])
        if not (ok and plan.timeline.fits(reqs[r], b, s)):
            for done in placed:
                plan.unassign(done)
            restore(plan, piece)
            return False
        plan.assign(r, b, s)
        placed.append(r)
    return True


def settle(plan: Plan, piece: Piece, chosen: list[int] | None, value: int) -> bool:
    """Keep the piece's new placements when strictly better, else put the freed back."""
    if chosen is not None and value > piece.old_value:
        return apply(plan, piece, chosen)
    restore(plan, piece)
    return False
