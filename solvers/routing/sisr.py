"""Ruin and recreate by slack induction by string removals (SISR, after Christiaens and
Vanden Berghe, 2020): distance with a fixed fleet, and serving a removed route's stops.

Each iteration removes a few strings of consecutive stops from routes near a random seed
stop, puts the stops back one by one at their cheapest feasible place (skipping each
place with a small probability, "blinks"), and keeps the result by simulated annealing
on distance. Removing strings rather than scattered stops leaves slack in time and load
in several neighbouring routes at once, which is what lets the stops settle into a
different and shorter arrangement. ``serve_all`` uses the same moves to fit the stops
of a removed route into the others, the paper's fleet minimisation.

The fleet stays the one given: stops only go into the given vehicles' routes, so the
number of routes never grows (it may shrink when a route is emptied). Every insertion
is checked exactly in constant time by ``RoutePlan`` (earliest and latest service
starts, running loads), so the same limits apply as for the ejection pool: time
windows, shifts, vehicle restrictions and pickup-only or delivery-only dimensions.
"""

from __future__ import annotations

import math
import random
import time
from typing import TYPE_CHECKING

from .ejection import RoutePlan

if TYPE_CHECKING:
    from .instance import Instance

#: average number of stops removed per iteration
MEAN_REMOVED = 10
#: longest string removed from one route
MAX_STRING = 10
#: nearest stops whose routes are tried first for an insertion
NEAR_STOPS = 20
#: chance of skipping a feasible insertion place
BLINK = 0.01
#: annealing temperature at the start and at the end, as share of the mean arc length
START_TEMPERATURE = 1.0
END_TEMPERATURE = 0.02


def improve_distance(inst: Instance, vehicles: list[int], routes: list[list[int]],
                     seconds: float, seed: int = 0) -> tuple[list[list[int]], int]:
    """Shorter routes for the same stops and vehicles (one route per vehicle, in order),
    found within ``seconds``; returns the best routes seen and the iterations done. The
    result is never longer than the input."""
    search = _Search(inst, vehicles, routes, random.Random(seed))
    return search.run(seconds), search.iterations


def serve_all(inst: Instance, vehicles: list[int], routes: list[list[int]],
              pool: list[int], seconds: float, seed: int = 0) -> list[list[int]] | None:
    """Serve the stops in ``pool`` too with the given routes (one per vehicle): the
    fleet-minimisation search of the paper. Stops that fit nowhere stay out; a new plan
    is kept if fewer stops are out, or if those out have been out less often so far
    (absence counters), which pushes the search to make room for the hard ones. Returns
    the routes once every stop is served, or None if the time runs out first."""
    search = _Search(inst, vehicles, routes, random.Random(seed), pool)
    return search.fill(seconds)


class _Search:
    def __init__(self, inst: Instance, vehicles: list[int], routes: list[list[int]],
                 rng: random.Random, absent: list[int] | None = None):
        self.plan = RoutePlan(inst, vehicles, routes, segments=False)
        self.dist = inst.dist
        self.rng = rng
        self.absent = set(absent or ())
        stops = [i for rt in routes for i in rt] + sorted(self.absent)
        d = inst.dist
        self.near = {u: sorted((w for w in stops if w != u), key=lambda w: d[u][w] + d[w][u])
                     for u in stops}
        self.stops = stops
        depots = set(self.plan.depot)
        self.depot_distance = {u: min(d[x][u] + d[u][x] for x in depots) for u in stops}
        self.iterations = 0

    def run(self, seconds: float) -> list[list[int]]:
        """Ruin and recreate with annealing; the temperature falls geometrically with
        the time used. Returns the shortest plan seen."""
        plan = self.plan
        start = time.monotonic()
        end = start + seconds
        cost = self.total()
        best_cost, best = cost, [list(r) for r in plan.routes]
        if not self.stops or cost == 0:
            return best
        arcs = sum(len(r) + 1 for r in plan.routes if r)
        mean_arc = max(1.0, cost / arcs)
        t_start = START_TEMPERATURE * mean_arc
        t_end = END_TEMPERATURE * mean_arc
        rng = self.rng
        temperature = t_start
        while True:
            if self.iterations % 16 == 0:
                now = time.monotonic()
                if now >= end:
                    break
                temperature = t_start * (t_end / t_start) ** ((now - start) / seconds)
            self.iterations += 1
            saved: dict[int, list[int]] = {}
            removed = self.ruin(saved)
            delta = self.recreate(removed, saved)
            # threshold drawn before comparing: accept worse by up to -T ln U
            if delta is not None and delta < -temperature * math.log(1.0 - rng.random()):
                cost += delta
                if cost < best_cost:
                    best_cost, best = cost, [list(r) for r in plan.routes]
            else:
                self.restore(saved)
        return best

    def fill(self, seconds: float) -> list[list[int]] | None:
        """Ruin around a stop that is out, recreate with every stop that is out; see
        ``serve_all``."""
        end = time.monotonic() + seconds
        plan, rng = self.plan, self.rng
        absent = self.absent
        count = dict.fromkeys(self.stops, 0)
        while absent:
            if self.iterations % 16 == 0 and time.monotonic() >= end:
                return None
            self.iterations += 1
            for u in absent:
                count[u] += 1
            saved: dict[int, list[int]] = {}
            removed = self.ruin(saved, seed=rng.choice(list(absent)))
            out = self.recreate_all(removed + list(absent), saved)
            if len(out) < len(absent) or (sum(count[u] for u in out)
                                           < sum(count[u] for u in absent)):
                self.absent = absent = set(out)
            else:
                self.restore(saved)
        return [list(r) for r in plan.routes]

    def recreate_all(self, stops: list[int], saved: dict[int, list[int]]) -> list[int]:
        """Insert the stops one by one at their cheapest feasible place; returns those
        that fit nowhere."""
        plan = self.plan
        self.order(stops)
        out = []
        for u in stops:
            place = self.cheapest_place(u)
            if place is None:
                out.append(u)
                continue
            _, k, pos = place
            if k not in saved:
                saved[k] = list(plan.routes[k])
            plan.routes[k].insert(pos, u)
            plan.refresh(k)
        return out

    def total(self) -> int:
        d = self.dist
        out = 0
        for k, rt in enumerate(self.plan.routes):
            if rt:
                depot = self.plan.depot[k]
                seq = [depot, *rt, depot]
                out += sum(d[a][b] for a, b in zip(seq, seq[1:], strict=False))
        return out

    def restore(self, saved: dict[int, list[int]]) -> None:
        plan = self.plan
        for k, rt in saved.items():
            plan.routes[k] = rt
            plan.refresh(k)

    # -- ruin ------------------------------------------------------------------------

    def ruin(self, saved: dict[int, list[int]], seed: int | None = None) -> list[int]:
        """Remove strings from routes near ``seed`` (a random stop if None); the routes
        touched are saved (as they were) in ``saved``. Returns the removed stops."""
        plan, rng = self.plan, self.rng
        used = [r for r in plan.routes if r]
        if not used:
            return []
        mean_len = sum(len(r) for r in used) / len(used)
        max_len = min(MAX_STRING, mean_len)
        max_strings = 4 * MEAN_REMOVED / (1 + max_len) - 1
        strings = int(rng.uniform(1, max_strings + 1))
        if seed is None:
            seed = rng.choice(self.stops)
        removed: list[int] = []
        where = plan.where
        absent = self.absent
        for u in (seed, *self.near[seed]):
            if len(saved) >= strings:
                break
            if u in absent:
                continue
            k, _ = where[u]
            if k in saved or u in removed:
                continue
            rt = plan.routes[k]
            saved[k] = list(rt)
            length = int(rng.uniform(1, min(len(rt), max_len) + 1))
            removed += self.cut(k, rt.index(u), length)
        for k in saved:
            plan.refresh(k)
        return removed

    def cut(self, k: int, pos: int, length: int) -> list[int]:
        """Remove from route ``k`` a string of ``length`` stops that covers ``pos``; half
        the time the string is one longer and keeps one stop of its middle."""
        rt = self.plan.routes[k]
        rng = self.rng
        keep = 1 if length < len(rt) and rng.random() < 0.5 else 0
        span = length + keep
        first = rng.randint(max(0, pos - span + 1), min(pos, len(rt) - span))
        out = rt[first:first + span]
        if keep:
            out.pop(rng.randrange(1, span) if span > 1 else 0)
        kept = rt[first:first + span]
        self.plan.routes[k] = rt[:first] + [x for x in kept if x not in out] + rt[first + span:]
        return out

    # -- recreate --------------------------------------------------------------------

    def recreate(self, removed: list[int], saved: dict[int, list[int]]) -> int | None:
        """Insert the removed stops one by one at their cheapest feasible place; returns
        the change in distance, or None if a stop fits nowhere."""
        plan = self.plan
        delta = -self.removed_distance(saved)
        self.order(removed)
        for u in removed:
            place = self.cheapest_place(u)
            if place is None:
                return None
            added, k, pos = place
            if k not in saved:
                saved[k] = list(plan.routes[k])
            plan.routes[k].insert(pos, u)
            plan.refresh(k)
            delta += added
        return delta

    def removed_distance(self, saved: dict[int, list[int]]) -> int:
        """Distance saved by the ruin: the touched routes before minus after."""
        d = self.dist
        plan = self.plan
        out = 0
        for k, before in saved.items():
            depot = plan.depot[k]
            for rt, sign in ((before, 1), (plan.routes[k], -1)):
                if rt:
                    seq = [depot, *rt, depot]
                    out += sign * sum(d[a][b] for a, b in zip(seq, seq[1:], strict=False))
        return out

    def order(self, removed: list[int]) -> None:
        """Sort in place: random, by amount, far from the depot first, or near first
        (weights 4:4:2:1 as in the paper)."""
        rng = self.rng
        r = rng.random() * 11
        if r < 4:
            rng.shuffle(removed)
        elif r < 8:
            amounts = self.plan.amounts
            removed.sort(key=lambda u: -sum(am[u] for am in amounts))
        elif r < 10:
            removed.sort(key=lambda u: -self.depot_distance[u])
        else:
            removed.sort(key=lambda u: self.depot_distance[u])

    def cheapest_place(self, u: int) -> tuple[int, int, int] | None:
        """(added distance, route, position) of the cheapest feasible insertion of ``u``,
        each place skipped with probability ``BLINK``; None if there is none. Routes
        that serve one of the nearest stops of ``u`` are tried first, the others only if
        none of those has room (a place far from every near stop rarely wins, and
        skipping those routes makes an iteration about twice as fast)."""
        near = self.routes_near(u)
        place = self.cheapest_in(u, near)
        if place is None and len(near) < len(self.plan.routes):
            place = self.cheapest_in(u, [k for k in range(len(self.plan.routes))
                                         if k not in near])
        return place

    def routes_near(self, u: int) -> list[int]:
        routes, where = self.plan.routes, self.plan.where
        out = []
        for w in self.near[u][:NEAR_STOPS]:
            k, j = where.get(w, (0, -1))
            # entries of stops that are out of the plan are stale
            if 0 <= j < len(routes[k]) and routes[k][j] == w and k not in out:
                out.append(k)
        return out

    def cheapest_in(self, u: int, candidates: list[int]) -> tuple[int, int, int] | None:
        plan = self.plan
        d = self.dist
        du = d[u]
        svc, a, b = plan.svc, plan.a, plan.b
        au, bu, su = a[u], b[u], svc[u]
        rand = self.rng.random
        best_add, best_k, best_pos = 1 << 62, -1, -1
        for k in candidates:
            rt = plan.routes[k]
            if u not in plan.allowed[k] or not plan.fits_load(k, u):
                continue
            tm = plan.tm[k]
            tmu = tm[u]
            early, late = plan.early[k], plan.late[k]
            depot = plan.depot[k]
            n = len(rt)
            prev, t_prev = depot, plan.t0[k]
            for pos in range(n + 1):
                nxt = rt[pos] if pos < n else depot
                add = d[prev][u] + du[nxt] - d[prev][nxt]
                if add < best_add and rand() >= BLINK:
                    t = t_prev + svc[prev] + tm[prev][u]
                    if t <= bu:
                        if t < au:
                            t = au
                        t += su + tmu[nxt]
                        if t <= (late[pos] if pos < n else plan.t1[k]):
                            best_add, best_k, best_pos = add, k, pos
                if pos < n:
                    prev, t_prev = nxt, early[pos]
        if best_k < 0:
            return None
        return best_add, best_k, best_pos
