"""Independent feasibility check of a solution against its problem."""

from __future__ import annotations

from .distances import distance_matrix, travel_seconds
from .problem import Problem, Solution


def check_routes(problem: Problem, solution: Solution) -> list[str]:
    """Return a list of violations (empty when every route is feasible).

    Checks: each stop served at most once and every stop either served or listed as
    unserved; vehicles used once and only for allowed stops; on-board load per dimension
    (undelivered goods + collected waste, emptied at disposal sites) within capacity at
    every point; service starts inside time windows and not before arrival; service
    times respected; travel times respected between consecutive points; routes inside
    the vehicle's shift and the depot's opening hours; reported distance.
    """
    errors: list[str] = []
    ids, dist, dur = distance_matrix(problem)
    pos = {i: k for k, i in enumerate(ids)}
    stops = {s.id: s for s in problem.stops}
    sites = {s.id: s for s in problem.disposal_sites}
    depots = {d.id: d for d in problem.depots}
    vehicles = {v.id: v for v in problem.vehicles}
    pick_dims = {d for s in problem.stops for d, v in s.pickup.items() if v}
    dlv_dims = {d for s in problem.stops for d, v in s.delivery.items() if v}
    pickup_only = pick_dims - dlv_dims
    dims = sorted(pick_dims | dlv_dims)

    served: dict[str, str] = {}
    used_vehicles: set[str] = set()
    total = 0
    for route in solution.routes:
        vid = route.vehicle_id
        veh = vehicles.get(vid)
        if veh is None:
            errors.append(f"unknown vehicle {vid!r}")
            continue
        if vid in used_vehicles:
            errors.append(f"vehicle {vid} has more than one route")
        used_vehicles.add(vid)
        visits = route.visits
        if len(visits) < 2 or visits[0].kind != "depot" or visits[-1].kind != "depot" \
                or visits[0].id != veh.depot or visits[-1].id != veh.depot:
            errors.append(f"vehicle {vid}: route must start and end at depot {veh.depot}")
            continue
        dep = depots[veh.depot]
        lo, hi = max(veh.shift_start, dep.window[0]), min(veh.shift_end, dep.window[1])
        if visits[0].start < lo:
            errors.append(f"vehicle {vid}: leaves before its shift/depot opening")
        if visits[-1].arrival > hi:
            errors.append(f"vehicle {vid}: returns at {visits[-1].arrival} after {hi}")
        # loads
        goods = dict.fromkeys(dims, 0)
        for vis in visits:
            if vis.kind == "stop" and vis.id in stops:
                for d in dims:
                    goods[d] += int(stops[vis.id].delivery.get(d, 0))
        waste = dict.fromkeys(dims, 0)
        trips = 1
        rdist = 0
        for k, vis in enumerate(visits):
            if vis.kind == "stop":
                s = stops.get(vis.id)
                if s is None:
                    errors.append(f"vehicle {vid}: unknown stop {vis.id!r}")
                    continue
                if vis.id in served:
                    errors.append(f"stop {vis.id} served twice")
                served[vis.id] = vid
                if veh.allowed_stops is not None and vis.id not in veh.allowed_stops:
                    errors.append(f"vehicle {vid} may not visit stop {vis.id}")
                if s.zero_emission_only and not veh.zero_emission:
                    errors.append(f"vehicle {vid} is not zero-emission at stop {vis.id}")
                window, service = s.window, s.service_time
                for d in dims:
                    goods[d] -= int(s.delivery.get(d, 0))
                    waste[d] += int(s.pickup.get(d, 0))
            elif vis.kind == "disposal":
                site = sites.get(vis.id)
                if site is None:
                    errors.append(f"vehicle {vid}: unknown disposal site {vis.id!r}")
                    continue
                trips += 1
                window, service = site.window, site.service_time
                for d in pickup_only:
                    if site.accepts is None or d in site.accepts:
                        waste[d] = 0
            else:
                if 0 < k < len(visits) - 1:
                    errors.append(f"vehicle {vid}: depot in the middle of the route")
                window, service = dep.window, 0
            for d in dims:
                load = goods[d] + waste[d]
                cap = int(veh.capacity.get(d, 0))
                if load > cap or load < 0:
                    errors.append(f"vehicle {vid} at {vis.id}: load {d}={load} exceeds {cap}")
            if vis.load and any(vis.load.get(d, 0) != goods[d] + waste[d] for d in dims):
                errors.append(f"vehicle {vid} at {vis.id}: reported load differs")
            if vis.start < vis.arrival:
                errors.append(f"vehicle {vid} at {vis.id}: service before arrival")
            if vis.kind != "depot" and not (window[0] <= vis.start <= window[1]):
                errors.append(f"vehicle {vid} at {vis.id}: start {vis.start} outside {window}")
            if vis.departure < vis.start + service:
                errors.append(f"vehicle {vid} at {vis.id}: service time cut short")
            if k > 0:
                a, b = pos[visits[k - 1].id], pos[vis.id]
                if dur is not None:
                    tt = dur[a][b]
                else:
                    tt = travel_seconds(dist[a][b], problem.speeds_kmh.get(veh.category, 25.0))
                if vis.arrival < visits[k - 1].departure + tt:
                    errors.append(f"vehicle {vid}: arrives at {vis.id} too early for travel")
                rdist += dist[a][b]
        if trips > veh.max_trips:
            errors.append(f"vehicle {vid}: {trips} trips, at most {veh.max_trips}")
        if rdist != route.distance:
            errors.append(f"vehicle {vid}: reported distance {route.distance} != {rdist}")
        total += rdist
    for sid in stops:
        if sid not in served and sid not in solution.unserved:
            errors.append(f"stop {sid} neither served nor reported unserved")
        if sid in served and sid in solution.unserved:
            errors.append(f"stop {sid} served and reported unserved")
    if total != solution.total_distance:
        errors.append(f"total distance {solution.total_distance} != {total}")
    if len(solution.routes) != solution.vehicles_used:
        errors.append("vehicles_used does not match the number of routes")
    return errors
