"""A proven upper bound on the objective: LP relaxation of a time-indexed formulation.

Why it stays valid although it is built on a 5-minute grid
------------------------------------------------------------
Take any feasible minute-level plan. Group each request's possible starts into
5-minute buckets ``[5q, 5q + 5)`` and let ``y[r, b, q]`` be 1 when the plan
starts ``r`` at bay ``b`` inside bucket ``q``. Then:

* the objective of ``y`` is at most ``sum c[r, b, q] * y`` where ``c`` is the
  best value of any admissible start in the bucket (we only over-estimate);
* we keep the capacity rules only at the "check minutes" ``5j + 4``, and a
  bucket variable counts at check minute ``t`` only when *every* admissible
  start in its bucket covers ``t``. Whatever start the plan used inside the
  bucket, it covers those minutes, so the plan's ``y`` satisfies the rows;
* dropping constraints (the other minutes) only enlarges the feasible set.

So every feasible plan maps to a feasible LP point of no smaller objective,
and the LP optimum bounds the true optimum. When durations are multiples of
five minutes, a bucket's starts all cover exactly the same check minutes, so
the grid costs almost no tightness.

The LP is solved with PDLP (or GLOP); the bound reported is not the solver's
objective but a Lagrangian value computed from its duals (any non-negative
duals give a valid bound), so tolerances or an early stop cannot make it invalid.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh
from scipy import sparse

from .model import Instance, Option

STEP = 5
CHECK = STEP - 1  # check minute inside each 5-minute block
GLOP_COLUMNS = 60_000  # below this the simplex is exact and quick; above, PDLP wins


@dataclass
class Relaxation:
    """Bucket variables and the coupling rows ``A x <= b`` (one request per variable)."""

    cost: np.ndarray  # best objective value per bucket variable
    req: np.ndarray  # request index per variable
    rows: sparse.csr_matrix  # capacity and quota rows
    rhs: np.ndarray
    n_requests: int


def _bucket_vars(inst: Instance, r: int, opt: Option) -> tuple[np.ndarray, ...] | None:
    """Per bucket: (cost, first start, last start) over the admissible minute starts."""
    req = inst.requests[r]
    starts = inst.static_starts(req, opt.bay)
    if len(starts) == 0:
        return None
    q = starts // STEP
    cut = np.flatnonzero(np.diff(q)) + 1
    heads = np.concatenate(([0], cut))
    smin = starts[heads]
    smax = starts[np.concatenate((cut - 1, [len(starts) - 1]))]
    dist = np.minimum.reduceat(np.abs(starts - req.preferred_start), heads)
    cost = req.value(opt.walk_cost, req.preferred_start) - dist
    return cost, smin, smax


def build(inst: Instance) -> Relaxation:
    """Assemble the relaxation with numpy; rows are (bay, check minute) and quotas."""
    costs, reqs, cols, rows, vals = [], [], [], [], []
    n_check = 24 * 60 // STEP
    nvar = 0
    for req in inst.requests:
        for opt in req.options:
            got = _bucket_vars(inst, req.index, opt)
            if got is None:
                continue
            cost, smin, smax = got
            j_lo = -((CHECK - smax) // STEP)  # ceil((smax - CHECK) / STEP)
            j_hi = (smin + req.duration - 1 - CHECK) // STEP
            ids = np.arange(nvar, nvar + len(cost))
            span = np.maximum(j_hi - j_lo + 1, 0)
            var = np.repeat(ids, span)
            j = np.repeat(j_lo, span) + _ranges(span)
            base = opt.bay * n_check + j
            cols += [var, var]
            rows += [2 * base, 2 * base + 1]
            vals += [np.ones(len(var)), np.full(len(var), req.length_m)]
            costs.append(cost)
            reqs.append(np.full(len(cost), req.index))
            nvar += len(cost)
    if nvar == 0:  # nobody can park anywhere
        return Relaxation(np.zeros(0), np.zeros(0, dtype=np.int64),
                          sparse.csr_matrix((0, 0)), np.zeros(0), len(inst.requests))
    cost, req_of_var = np.concatenate(costs).astype(float), np.concatenate(reqs)
    cap = np.array([[b.capacity, b.length_m] for b in inst.bays], dtype=float)
    rhs = np.repeat(cap, n_check, axis=0).reshape(-1)
    rows_, cols_, vals_ = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    rows_, cols_, vals_, rhs = _add_quota_rows(inst, req_of_var, rows_, cols_, vals_, rhs)
    a = sparse.csr_matrix((vals_, (rows_, cols_)), shape=(len(rhs), nvar))
    used = np.flatnonzero(np.diff(a.indptr))
    return Relaxation(cost=cost, req=req_of_var, rows=a[used], rhs=rhs[used],
                      n_requests=len(inst.requests))


def _ranges(span: np.ndarray) -> np.ndarray:
    """Concatenation of arange(k) for every k in ``span``."""
    total = int(span.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(span) - span, span)
    offsets: np.ndarray = np.arange(total) - starts
    return offsets


def _add_quota_rows(inst: Instance, req: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                    vals: np.ndarray, rhs: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One row per organisation with a quota: booked kerb minutes <= quota."""
    if not inst.quotas:
        return rows, cols, vals, rhs
    orgs = list(inst.quotas)
    org_of = {o: k for k, o in enumerate(orgs)}
    who = np.array([org_of.get(r.organisation, -1) if r.organisation else -1
                    for r in inst.requests])
    dur = np.array([r.duration for r in inst.requests], dtype=float)
    sel = np.flatnonzero(who[req] >= 0)
    row = len(rhs) + who[req[sel]]
    rhs = np.concatenate((rhs, [float(inst.quotas[o]) for o in orgs]))
    return (np.concatenate((rows, row)), np.concatenate((cols, sel)),
            np.concatenate((vals, dur[req[sel]])), rhs)


def lagrangian(rel: Relaxation, duals: np.ndarray) -> float:
    """Valid bound for any ``duals >= 0``: coupling rows priced, one bucket per request."""
    y = np.maximum(duals, 0.0)
    reduced = rel.cost - rel.rows.T @ y
    best = np.zeros(rel.n_requests)
    np.maximum.at(best, rel.req, reduced)
    return float(rel.rhs @ y + best.sum())


def polish(rel: Relaxation, duals: np.ndarray, seconds: float, target: float) -> float:
    """Projected subgradient steps on the Lagrangian from ``duals``; best bound seen.

    An LP solver stopped early leaves duals that are good but not optimal;
    Polyak steps towards ``target`` (a value the bound cannot go below, e.g. a
    known plan's objective) tighten the bound cheaply, one sparse product each.
    """
    deadline = time.monotonic() + seconds
    at = rel.rows.T.tocsr()
    heads = np.concatenate(([0], np.flatnonzero(np.diff(rel.req)) + 1))
    seg = np.diff(np.concatenate((heads, [len(rel.req)])))
    y = np.maximum(duals, 0.0)
    best, lam, stall = math.inf, 1.0, 0
    while time.monotonic() < deadline and lam > 1e-4:
        reduced = rel.cost - at @ y
        top = np.maximum.reduceat(reduced, heads)
        value = float(rel.rhs @ y + top[top > 0].sum())
        if value < best - 1e-6:
            best, stall = value, 0
        elif (stall := stall + 1) >= 15:
            lam, stall = lam / 2, 0
        hit = np.flatnonzero((reduced == np.repeat(top, seg)) & np.repeat(top > 0, seg))
        first = hit[np.unique(np.searchsorted(heads, hit, side="right"), return_index=True)[1]]
        x = np.zeros(len(rel.cost))
        x[first] = 1.0
        g = rel.rhs - rel.rows @ x
        norm = float(g @ g)
        if norm == 0 or value <= target:
            break
        y = np.maximum(y - lam * (value - target) / norm * g, 0.0)
    return best


def solve_lp(rel: Relaxation, time_limit: float, method: str = "pdlp",
             threads: int = 2) -> np.ndarray | None:
    """Duals of the coupling rows from PDLP (default) or GLOP, or None when none came back.

    PDLP is the default because its duals are good long before it converges,
    and the Lagrangian turns any duals into a valid bound; GLOP's dual simplex
    is exact but needs minutes on a 200-bay day.
    """
    n = len(rel.cost)
    helper = mbh.ModelBuilderHelper()
    assign = sparse.csr_matrix((np.ones(n), (rel.req, np.arange(n))), shape=(rel.n_requests, n))
    a = sparse.vstack([rel.rows, assign]).tocsr()
    ub = np.concatenate((rel.rhs, np.ones(rel.n_requests)))
    # OR-Tools' stubs spell the array type wrongly (ndarray[float64, ...])
    helper.fill_model_from_sparse_data(
        np.zeros(n), np.ones(n), rel.cost, np.full(len(ub), -np.inf), ub, a)  # type: ignore[arg-type]
    helper.set_maximize(True)
    solver = mbh.ModelSolverHelper(method)
    solver.set_time_limit_in_seconds(max(0.1, time_limit))
    solver.set_solver_specific_parameters(
        f"num_threads: {threads}" if method == "pdlp" else "use_dual_simplex: true")
    solver.solve(helper)
    if not solver.has_response():
        return None
    try:
        duals = np.asarray(solver.dual_values())
    except Exception:  # no dual solution after an early stop
        return None
    return duals[: len(rel.rhs)] if len(duals) >= len(rel.rhs) else None


def lp_bound(instance: dict[str, Any] | Instance, *, time_limit: float = 60.0, method: str = "auto",
             threads: int = 2, lower: float | None = None) -> float:
    """Proven upper bound on the objective of any feasible plan (an integer, as a float).

    ``method`` is "pdlp", "glop" or "auto" (GLOP's exact simplex for small
    LPs, PDLP from ``GLOP_COLUMNS`` bucket variables on). Falls back to "every
    request at its best value" only if the LP solver returns no duals at all.
    When PDLP is used, its last fifth of ``time_limit`` goes to polishing the
    duals by subgradient steps aimed at ``lower`` (a known plan's objective).
    """
    deadline = time.monotonic() + time_limit
    inst = instance if isinstance(instance, Instance) else Instance.from_json(instance)
    if not any(r.options for r in inst.requests):
        return 0.0
    rel = build(inst)
    if len(rel.cost) == 0:
        return 0.0
    best = lagrangian(rel, np.zeros(len(rel.rhs)))
    if method == "auto":
        method = "glop" if len(rel.cost) < GLOP_COLUMNS else "pdlp"
    share = 0.8 if method == "pdlp" else 1.0
    duals = solve_lp(rel, share * (deadline - time.monotonic()), method, threads)
    if duals is not None:
        signed = max((duals, -duals), key=lambda d: -lagrangian(rel, d))
        best = min(best, lagrangian(rel, signed))
        if method == "pdlp":
            target = lower if lower is not None else 0.9 * best
            best = min(best, polish(rel, signed, deadline - time.monotonic(), target))
    return float(math.floor(best + 1e-6))
