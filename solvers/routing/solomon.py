"""Solomon VRPTW instances: parse, solve with the routing core, check in exact floats.

Distances are unrounded Euclidean, travel time equals distance. For OR-Tools everything
is scaled to integers (``SCALE``); travel times are rounded up so that an integer-feasible
plan stays feasible in floating point, distances are rounded to nearest for the cost.
The reported distance is recomputed in floating point from the routes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problem import Matrix, Problem, Site, Stop, Vehicle
from .solver import SolveOptions, solve

SCALE = 10_000
EPS = 1e-6


@dataclass(frozen=True)
class Customer:
    number: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    customers: list[Customer]  # index 0 is the depot

    def dist(self, a: int, b: int) -> float:
        ca, cb = self.customers[a], self.customers[b]
        return math.hypot(ca.x - cb.x, ca.y - cb.y)


def parse_solomon(text: str, name: str | None = None) -> SolomonInstance:
    """Parse the standard Solomon text layout (whitespace separated, any line endings)."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    inst_name = name or lines[0]
    vehicles = capacity = None
    customers: list[Customer] = []
    i = 0
    while i < len(lines):
        up = lines[i].upper()
        if up.startswith("NUMBER") and "CAPACITY" in up:
            vehicles, capacity = (int(t) for t in lines[i + 1].split()[:2])
            i += 2
            continue
        parts = lines[i].split()
        if len(parts) == 7 and all(_is_number(p) for p in parts):
            n, x, y, q, a, b, s = parts
            customers.append(Customer(int(n), float(x), float(y), int(float(q)), float(a),
                                      float(b), float(s)))
        i += 1
    if vehicles is None or capacity is None or not customers:
        raise ValueError("not a Solomon instance")
    if customers[0].number != 0:
        raise ValueError("customer 0 (the depot) must come first")
    return SolomonInstance(inst_name, vehicles, capacity, customers)


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def load_solomon(path: str | Path) -> SolomonInstance:
    p = Path(path)
    return parse_solomon(p.read_text(), name=p.stem)


def to_problem(inst: SolomonInstance) -> Problem:
    """Routing-core problem in integer units (``SCALE`` per Solomon unit)."""
    cs = inst.customers
    n = len(cs)
    ids = [str(c.number) for c in cs]
    dist = [[round(inst.dist(a, b) * SCALE) for b in range(n)] for a in range(n)]
    dur = [[math.ceil(inst.dist(a, b) * SCALE - 1e-6) for b in range(n)] for a in range(n)]
    depot = cs[0]
    horizon = round(depot.due * SCALE)
    site = Site(ids[0], x=depot.x, y=depot.y, window=(round(depot.ready * SCALE), horizon))
    stops = [
        Stop(ids[k], x=c.x, y=c.y, pickup={"load": c.demand},
             window=(math.ceil(c.ready * SCALE), math.floor(c.due * SCALE)),
             service_time=math.ceil(c.service * SCALE))
        for k, c in enumerate(cs) if k > 0
    ]
    vehicles = [
        Vehicle(f"v{k}", ids[0], {"load": inst.capacity}, shift_start=site.window[0],
                shift_end=horizon, max_trips=1)
        for k in range(inst.vehicles)
    ]
    return Problem(stops, vehicles, [site], matrix=Matrix(ids, dist, dur))


def route_distance(inst: SolomonInstance, route: list[int]) -> float:
    seq = [0, *route, 0]
    return sum(inst.dist(a, b) for a, b in zip(seq, seq[1:], strict=False))


def check_solomon(inst: SolomonInstance, routes: list[list[int]]) -> list[str]:
    """Feasibility in exact floating point: every customer once, capacity, windows,
    service times, return to the depot by its due date."""
    errors = []
    seen: dict[int, int] = {}
    cs = inst.customers
    if len(routes) > inst.vehicles:
        errors.append(f"{len(routes)} routes, only {inst.vehicles} vehicles")
    for r, route in enumerate(routes):
        load = sum(cs[c].demand for c in route)
        if load > inst.capacity:
            errors.append(f"route {r}: load {load} > {inst.capacity}")
        t = cs[0].ready
        prev = 0
        for c in route:
            if c <= 0 or c >= len(cs):
                errors.append(f"route {r}: unknown customer {c}")
                break
            if c in seen:
                errors.append(f"customer {c} visited twice")
            seen[c] = r
            t = max(t + inst.dist(prev, c), cs[c].ready)
            if t > cs[c].due + EPS:
                errors.append(f"route {r}: customer {c} starts at {t:.4f} > {cs[c].due}")
            t += cs[c].service
            prev = c
        t += inst.dist(prev, 0)
        if t > cs[0].due + EPS:
            errors.append(f"route {r}: back at depot at {t:.4f} > {cs[0].due}")
    missing = [c.number for c in cs[1:] if c.number not in seen]
    if missing:
        errors.append(f"customers not visited: {missing[:10]}")
    return errors


def min_vehicles_bound(inst: SolomonInstance) -> int:
    total = sum(c.demand for c in inst.customers[1:])
    return max(1, math.ceil(total / inst.capacity))


def solve_solomon(inst: SolomonInstance, time_limit: float = 30.0, seed: int = 0,
                  options: SolveOptions | None = None) -> dict[str, Any]:
    """Solve one instance; returns a JSON-able dict with instance, vehicles, distance,
    routes (customer numbers), seconds, feasible (and errors if not)."""
    t0 = time.monotonic()
    opts = options or SolveOptions(time_limit=time_limit, seed=seed)
    opts.time_limit = time_limit
    opts.seed = seed
    if opts.min_vehicles is None:
        opts.min_vehicles = min_vehicles_bound(inst)
    sol = solve(to_problem(inst), opts)
    routes = [[int(s) for s in r.stop_ids] for r in sol.routes]
    routes = [r for r in routes if r]
    errors = check_solomon(inst, routes)
    out = {
        "instance": inst.name,
        "vehicles": len(routes),
        "distance": round(sum(route_distance(inst, r) for r in routes), 4),
        "routes": routes,
        "seconds": round(time.monotonic() - t0, 2),
        "feasible": not errors,
    }
    if errors:
        out["errors"] = errors[:10]
    if opts.log:
        out["log"] = sol.log
    return out
