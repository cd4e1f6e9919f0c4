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

The LP is solved with GLOP; the bound reported is not GLOP's objective but a
Lagrangian value computed from its duals (any non-negative duals give a valid
bound), so solver tolerances or an early stop cannot make it invalid.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh
from scipy import sparse

from .model import Instance

STEP = 5
CHECK = STEP - 1  # check minute inside each 5-minute block


@dataclass
class Relaxation:
    """Bucket variables and the coupling rows ``A x <= b`` (one request per variable)."""

    cost: np.ndarray  # best objective value per bucket variable
    req: np.ndarray  # request index per variable
    rows: sparse.csr_matrix  # capacity and quota rows
    rhs: np.ndarray
    n_requests: int


def _bucket_vars(inst: Instance, r: int, opt) -> tuple[np.ndarray, ...] | None:
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
    cost, req = np.concatenate(costs).astype(float), np.concatenate(reqs)
    cap = np.array([[b.capacity, b.length_m] for b in inst.bays], dtype=float)
    rhs = np.repeat(cap, n_check, axis=0).reshape(-1)
    rows_, cols_, vals_ = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    rows_, cols_, vals_, rhs = _add_quota_rows(inst, req, rows_, cols_, vals_, rhs)
    a = sparse.csr_matrix((vals_, (rows_, cols_)), shape=(len(rhs), nvar))
    used = np.flatnonzero(np.diff(a.indptr))
    return Relaxation(cost=cost, req=req, rows=a[used], rhs=rhs[used],
                      n_requests=len(inst.requests))


def _ranges(span: np.ndarray) -> np.ndarray:
    """Concatenation of arange(k) for every k in ``span``."""
    total = int(span.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(span) - span, span)
    return np.arange(total) - starts


def _add_quota_rows(inst: Instance, req: np.ndarray, rows, cols, vals, rhs):
    """One row per organisation with a quota: booked kerb minutes <= quota."""
    if not inst.quotas:
        return rows, cols, vals, rhs
    orgs = list(inst.quotas)
    org_of = {o: k for k, o in enumerate(orgs)}
    who = np.array([org_of.get(r.organisation, -1) for r in inst.requests])
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


def solve_lp(rel: Relaxation, time_limit: float) -> np.ndarray | None:
    """GLOP duals of the coupling rows, or None when GLOP gave none."""
    n = len(rel.cost)
    helper = mbh.ModelBuilderHelper()
    assign = sparse.csr_matrix((np.ones(n), (rel.req, np.arange(n))), shape=(rel.n_requests, n))
    a = sparse.vstack([rel.rows, assign]).tocsr()
    ub = np.concatenate((rel.rhs, np.ones(rel.n_requests)))
    helper.fill_model_from_sparse_data(np.zeros(n), np.ones(n), rel.cost,
                                       np.full(len(ub), -np.inf), ub, a)
    helper.set_maximize(True)
    solver = mbh.ModelSolverHelper("glop")
    solver.set_time_limit_in_seconds(max(0.1, time_limit))
    solver.set_solver_specific_parameters("use_dual_simplex: true")
    solver.solve(helper)
    if not solver.has_response():
        return None
    try:
        duals = np.asarray(solver.dual_values())
    except Exception:  # no dual solution after an early stop
        return None
    return duals[: len(rel.rhs)] if len(duals) >= len(rel.rhs) else None


def lp_bound(instance: dict | Instance, *, time_limit: float = 60.0) -> float:
    """Proven upper bound on the objective of any feasible plan (an integer, as a float).

    Falls back to "every request at its best value" only if the LP gives no duals.
    """
    deadline = time.monotonic() + time_limit
    inst = instance if isinstance(instance, Instance) else Instance.from_json(instance)
    if not any(r.options for r in inst.requests):
        return 0.0
    rel = build(inst)
    if len(rel.cost) == 0:
        return 0.0
    best = lagrangian(rel, np.zeros(len(rel.rhs)))
    duals = solve_lp(rel, deadline - time.monotonic())
    if duals is not None:
        best = min(best, lagrangian(rel, duals), lagrangian(rel, -duals))
    return float(math.floor(best + 1e-6))
