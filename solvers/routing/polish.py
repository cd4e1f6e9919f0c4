"""Polish: shorten the routes of the chosen fleet."""

from __future__ import annotations

import time

from .instance import Instance
from .model import RoutingModel, RunResult
from .options import SolveOptions
from .route_removal import exact_checks_apply, serving_all
from .sisr import improve_distance


def string_removal(inst: Instance, vehicles: list[int], routes: list[list[int]],
                    seconds: float, seed: int) -> tuple[RunResult, list[int]]:
    """The distance search of ``sisr.py`` on the given routes (one per vehicle)."""
    new_routes, iterations = improve_distance(inst, vehicles, routes, seconds, seed)
    result = serving_all(inst, vehicles, new_routes)
    inst.log.append(f"string removal: {iterations} iterations in {seconds:.1f}s, "
                    f"distance {result.distance}")
    return result, vehicles


def polish(inst: Instance, opts: SolveOptions, best: RunResult, best_vehicles: list[int],
           drop_penalty: int, deadline: float) -> tuple[RunResult, list[int]]:
    """Phase 3: distance with the chosen fleet: a fresh OR-Tools start, the string-removal
    search where its checks are exact, then OR-Tools from the best plan."""
    def remaining() -> float:
        return deadline - time.monotonic()

    log = inst.log
    used = [(best_vehicles[k], rt) for k, rt in enumerate(best.routes) if rt]
    subset = [v for v, _ in used]
    if opts.fresh_first_solution and remaining() > 2.0:
        # a fresh start with the chosen fleet often beats the removal's routes
        mf = RoutingModel(inst, subset, drop_penalty)
        rf = mf.solve(remaining() * opts.fresh_share, opts.fresh_first_solution,
                      opts.metaheuristic)
        if rf is not None:
            log.append(f"fresh start: {len(rf.dropped)} dropped, distance {rf.distance}")
        if rf is not None and (len(rf.dropped), rf.distance) < (len(best.dropped),
                                                                best.distance):
            best, best_vehicles = rf, subset
            used = [(subset[k], rt) for k, rt in enumerate(rf.routes) if rt]
            subset = [v for v, _ in used]
    if opts.sisr_share > 0 and exact_checks_apply(inst, best) and remaining() > 0.2:
        best, best_vehicles = string_removal(inst, subset, [rt for _, rt in used],
                                             remaining() * opts.sisr_share, opts.seed)
        used = [(best_vehicles[k], rt) for k, rt in enumerate(best.routes) if rt]
        subset = [v for v, _ in used]
    if remaining() > 0.1:
        m = RoutingModel(inst, subset, drop_penalty)
        r3 = m.solve(remaining(), opts.first_solution, opts.metaheuristic,
                     initial=[rt for _, rt in used])
        if r3 is not None and (len(r3.dropped), r3.distance) <= (len(best.dropped),
                                                                 best.distance):
            best, best_vehicles = r3, subset
    log.append(f"final: {sum(1 for r in best.routes if r)} vehicles, "
               f"distance {best.distance}")
    return best, best_vehicles
