"""Route removal: with one vehicle fewer, serve the stops of the removed route with the
others (exact plain-Python searches where they apply, OR-Tools local search otherwise)."""

from __future__ import annotations

import random
import time

from .ejection import remove_route
from .instance import Instance, first_late, on_time, route_distance, strip_reloads
from .model import INSERTION_OPERATORS, RoutingModel, RunResult
from .options import SolveOptions
from .sisr import serve_all


def cheapest_insertion(inst: Instance, vehicles: list[int], routes: list[list[int]],
                        nodes: list[int]) -> list[list[int]]:
    """Insert nodes one by one at the place of least added distance among places where
    the route stays on time, else least added distance (windows may then be late)."""
    routes = [list(r) for r in routes]
    for n in nodes:
        best = None
        for k, rt in enumerate(routes):
            depot = inst.depot_node[inst.problem.vehicles[vehicles[k]].depot]
            seq = [depot, *rt, depot]
            for pos in range(len(seq) - 1):
                a, b = seq[pos], seq[pos + 1]
                add = inst.dist[a][n] + inst.dist[n][b] - inst.dist[a][b]
                cand = rt[:pos] + [n] + rt[pos:]
                late = 0 if on_time(inst, vehicles[k], cand) else 1
                key = (late, add)
                if best is None or key < best[0]:
                    best = (key, k, pos)
        assert best is not None
        _, k, pos = best
        routes[k].insert(pos, n)
    return routes


def remove_late(inst: Instance, vehicles: list[int], routes: list[list[int]]
                 ) -> list[list[int]]:
    """Drop stops from each route until it is on time: the first late stop, or the last
    stop when only the return to the depot is late."""
    out = []
    for v, rt in zip(vehicles, routes, strict=True):
        rt = list(rt)
        while rt and not on_time(inst, v, rt):
            late = first_late(inst, v, rt)
            rt.pop(late if late is not None else len(rt) - 1)
        out.append(rt)
    return out


def attempt_removal(inst: Instance, opts: SolveOptions, subset: list[int],
                    initial: list[list[int]], removed: list[int], seconds: float,
                    drop_penalty: int, can_squeeze: bool) -> RunResult | None:
    """Try to serve every stop with the vehicles in ``subset``, starting from ``initial``
    (the stops in ``removed`` are unserved). Alternates drop-and-reinsert local search
    with (if enabled) a squeeze with soft windows whose late stops are then dropped."""
    end = time.monotonic() + seconds
    ops = INSERTION_OPERATORS if opts.insertion_operators else ()
    squeeze = (can_squeeze and opts.squeeze_penalty > 0 and not inst.mixed
               and not any(nd.kind == "disposal" for nd in inst.nodes))
    phase = seconds if not squeeze else max(0.3, seconds / opts.squeeze_rounds / 2)
    current = initial
    best: RunResult | None = None
    while True:
        left = end - time.monotonic()
        if left <= 0.05:
            break
        m = RoutingModel(inst, subset, drop_penalty, ops, span_cost=opts.span_cost)
        r = m.solve(min(phase, left), opts.first_solution, opts.metaheuristic,
                    initial=current, stop_when_all_served=True)
        if r is not None:
            if best is None or len(r.dropped) < len(best.dropped):
                best = r
            if not r.dropped:
                return r
            current = r.routes
        left = end - time.monotonic()
        if not squeeze or left <= 0.3:
            break
        served = {i for rt in current for i in rt}
        missing = [i for i in inst.stop_nodes if i not in served]
        packed = cheapest_insertion(inst, subset, current, missing)
        m = RoutingModel(inst, subset, drop_penalty, ops, soft_windows=opts.squeeze_penalty)
        r = m.solve(min(phase, left), opts.first_solution, opts.metaheuristic,
                    initial=packed, stop_when_all_served=True)
        routes = r.routes if r is not None else packed
        if r is not None and all(on_time(inst, v, rt)
                                 for v, rt in zip(subset, routes, strict=True) if rt):
            return r
        current = remove_late(inst, subset, routes)
    return best


def exact_checks_apply(inst: Instance, plan: RunResult) -> bool:
    """Whether the plain-Python searches (``ejection.py``, ``sisr.py``) apply: their
    constant-time checks are exact without disposal sites and mixed compartments, and
    they keep every stop served, so the plan must serve them all."""
    return (not plan.dropped and not inst.mixed
            and not any(nd.kind == "disposal" for nd in inst.nodes))


def remove_route_exact(inst: Instance, opts: SolveOptions, vehicles: list[int],
                        routes: list[list[int]], pool: list[int], seconds: float,
                        seed: int) -> list[list[int]] | None:
    """Serve the stops of a removed route with the other routes: the ejection pool
    first, then, if it runs out of its share of the time, the fleet-minimisation search
    of ``sisr.py`` from the same start. Each gets stuck on removals the other settles
    (the string search on long routes, where the pool's ejections are expensive)."""
    end = time.monotonic() + seconds
    pool_time = seconds * (1.0 - opts.strings_share)
    found = remove_route(inst, vehicles, routes, pool, pool_time, seed=seed,
                         perturb_moves=opts.perturb_moves, cheapest=opts.cheapest_insertion)
    left = end - time.monotonic()
    if found is None and left > 0.1:
        found = serve_all(inst, vehicles, routes, pool, left, seed=seed)
        if found is not None:
            inst.log.append("route removed by the string search")
    return found


def serving_all(inst: Instance, vehicles: list[int], routes: list[list[int]]) -> RunResult:
    """A plan found by the plain-Python searches (one route per vehicle, every stop served)
    as a run result, with its distance."""
    dist = sum(route_distance(inst, inst.depot_node[inst.problem.vehicles[v].depot], rt)
               for v, rt in zip(vehicles, routes, strict=True))
    return RunResult(routes, [], dist, dist)


def remove_routes(inst: Instance, opts: SolveOptions, best: RunResult, best_vehicles: list[int],
                  drop_penalty: int, lower_bound: int, *, rng: random.Random, started: float,
                  deadline: float) -> tuple[RunResult, list[int]]:
    """Phase 2: remove routes one at a time while every stop stays served, until the
    lower bound, the removal share of the budget, or a failed exact attempt."""
    stop_removal_at = started + opts.time_limit * opts.removal_share
    failed: set[tuple[int, ...]] = set()
    log = inst.log

    def remaining() -> float:
        return deadline - time.monotonic()

    while time.monotonic() < stop_removal_at:
        used = [(k, rt) for k, rt in enumerate(best.routes) if rt]
        if len(used) <= max(lower_bound, 1):
            break
        # candidate route to remove: fewest stops first, then shortest
        cands = sorted(
            used, key=lambda kr: (sum(1 for i in kr[1] if inst.nodes[i].kind == "stop"),
                                  route_distance(inst, 0, kr[1]), rng.random()))
        cand = next((c for c in cands
                     if tuple(sorted(best_vehicles[k] for k, _ in used if k != c[0]))
                     not in failed), None)
        if cand is None:
            break
        keep = [(best_vehicles[k], rt) for k, rt in used if k != cand[0]]
        subset = [v for v, _ in keep]
        attempt = min(opts.time_limit * opts.attempt_share, remaining())
        if attempt <= 0.05:
            break
        initial = [strip_reloads(inst, rt) for _, rt in keep]
        use_ep = opts.ejection and exact_checks_apply(inst, best)
        r2 = None
        if not use_ep:
            r2 = attempt_removal(inst, opts, subset, initial, cand[1], attempt, drop_penalty,
                                 can_squeeze=not best.dropped)
        else:
            # the ejection pool alone: it settles easy removals in a fraction of a
            # second, where a local-search attempt would use its whole slot
            ep_time = min(max(0.0, stop_removal_at - time.monotonic()),
                          opts.time_limit * opts.ejection_share, remaining())
            new_routes = None
            if ep_time > 0.1:
                new_routes = remove_route_exact(inst, opts, subset, initial, list(cand[1]),
                                                ep_time, opts.seed + len(failed))
            if new_routes is not None:
                r2 = serving_all(inst, subset, new_routes)
        if r2 is not None and len(r2.dropped) <= len(best.dropped):
            if use_ep and opts.polish_share > 0 and remaining() > 0.5:
                # tidy the distance of the plan before the next removal
                mp = RoutingModel(inst, subset, drop_penalty)
                rp = mp.solve(min(opts.time_limit * opts.polish_share, remaining()),
                              opts.first_solution, opts.metaheuristic, initial=r2.routes)
                if rp is not None and not rp.dropped:
                    r2 = rp
            best, best_vehicles = r2, subset
            log.append(f"removed a route: {len(subset)} vehicles, "
                       f"distance {r2.distance} at {time.monotonic() - started:.1f}s")
        else:
            failed.add(tuple(sorted(subset)))
            log.append(f"could not remove a route from {len(used)} "
                       f"({len(r2.dropped) if r2 else '-'} left) "
                       f"at {time.monotonic() - started:.1f}s")
            if use_ep:
                # the pool already mixed the stops of every route; another
                # candidate rarely succeeds, distance gets the time instead
                break
    return best, best_vehicles
