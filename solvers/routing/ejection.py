"""Route removal by an ejection pool (after Nagata and Braysy, 2009, simplified).

Used by the solver to lower the fleet by one: the stops of one route go into a pool;
each is inserted where feasible, otherwise inserted while ejecting at most two stops
of the receiving route, choosing the ejection whose stops were re-inserted least often
so far (insertion counters), and the plan is perturbed by random feasible moves. It
works on node sequences of the solver's internal instance and only handles the cases
it can check exactly: time windows, shifts and capacities of pickup-only or
delivery-only dimensions (no disposal sites, no mixed compartments).
"""

from __future__ import annotations

import itertools
import random
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .solver import _Instance


class RoutePlan:
    def __init__(self, inst: _Instance, vehicles: list[int], routes: list[list[int]]):
        self.inst = inst
        self.vehicles = vehicles
        self.routes = [list(r) for r in routes]
        p = inst.problem
        self.depot = [inst.depot_node[p.vehicles[v].depot] for v in vehicles]
        self.tm = [inst.time_by_cat[p.vehicles[v].category] for v in vehicles]
        self.t0 = [max(p.vehicles[v].shift_start, inst.nodes[self.depot[k]].window[0])
                   for k, v in enumerate(vehicles)]
        self.t1 = [min(p.vehicles[v].shift_end, inst.nodes[self.depot[k]].window[1])
                   for k, v in enumerate(vehicles)]
        dims = inst.dims
        self.amount = {d: [abs(x) for x in inst.demand[d]] for d in dims}
        self.caps = [[int(p.vehicles[v].capacity.get(d, 0)) for d in dims] for v in vehicles]
        self.dims = dims
        self.allowed = [set() for _ in vehicles]
        pos = {v: k for k, v in enumerate(vehicles)}
        for node, vs in inst.allowed.items():
            for v in vs:
                if v in pos:
                    self.allowed[pos[v]].add(node)
        self.svc = [nd.service for nd in inst.nodes]
        self.a = [nd.window[0] for nd in inst.nodes]
        self.b = [nd.window[1] for nd in inst.nodes]

    def load_ok(self, k: int, route: list[int]) -> bool:
        for j, d in enumerate(self.dims):
            am = self.amount[d]
            if sum(am[i] for i in route) > self.caps[k][j]:
                return False
        return True

    def time_ok(self, k: int, route: list[int]) -> bool:
        tm, svc, a, b = self.tm[k], self.svc, self.a, self.b
        prev = self.depot[k]
        t = self.t0[k]
        for i in route:
            t = t + svc[prev] + tm[prev][i]
            if t < a[i]:
                t = a[i]
            elif t > b[i]:
                return False
            prev = i
        return t + svc[prev] + tm[prev][self.depot[k]] <= self.t1[k]

    def ok(self, k: int, route: list[int]) -> bool:
        if any(i not in self.allowed[k] for i in route):
            return False
        return self.load_ok(k, route) and self.time_ok(k, route)


def remove_route(inst: _Instance, vehicles: list[int], routes: list[list[int]],
                 pool: list[int], seconds: float, seed: int = 0,
                 perturb_moves: int = 60, cheapest: bool = True) -> list[list[int]] | None:
    """Serve the stops in ``pool`` with the given routes (one per vehicle); returns the
    new routes, or None if the time runs out first."""
    end = time.monotonic() + seconds
    rng = random.Random(seed)
    plan = RoutePlan(inst, vehicles, routes)
    counter: dict[int, int] = {}
    ep = list(pool)
    rng.shuffle(ep)
    while ep:
        if time.monotonic() > end:
            return None
        v = ep.pop()
        feas = _feasible_insertions(plan, v)
        if feas:
            if cheapest:
                k, pos = min(feas, key=lambda kp: _added_distance(plan, kp[0], kp[1], v))
            else:
                k, pos = rng.choice(feas)
            plan.routes[k].insert(pos, v)
            continue
        counter[v] = counter.get(v, 0) + 1
        best = _best_ejection(plan, v, counter, rng)
        if best is None:
            ep.insert(0, v)
            _perturb(plan, rng, perturb_moves * 3)
            continue
        k, new_route, ejected = best
        plan.routes[k] = new_route
        ep.extend(ejected)
        _perturb(plan, rng, perturb_moves)
    return plan.routes


def _added_distance(plan: RoutePlan, k: int, pos: int, v: int) -> int:
    dist = plan.inst.dist
    rt = plan.routes[k]
    a = rt[pos - 1] if pos > 0 else plan.depot[k]
    b = rt[pos] if pos < len(rt) else plan.depot[k]
    return dist[a][v] + dist[v][b] - dist[a][b]


def _feasible_insertions(plan: RoutePlan, v: int) -> list[tuple[int, int]]:
    out = []
    for k, rt in enumerate(plan.routes):
        if v not in plan.allowed[k] or not plan.load_ok(k, [*rt, v]):
            continue
        for pos in range(len(rt) + 1):
            if plan.time_ok(k, rt[:pos] + [v] + rt[pos:]):
                out.append((k, pos))
    return out


def _best_ejection(plan: RoutePlan, v: int, counter: dict[int, int], rng: random.Random
                   ) -> tuple[int, list[int], list[int]] | None:
    """Cheapest (by insertion counters) way to insert ``v`` into one route while ejecting
    one or two of its stops. Feasibility is checked from the first changed position on,
    stopping at the first unchanged stop whose latest feasible start is respected."""
    best_cost = None
    best: list[tuple[int, list[int], list[int]]] = []
    svc, a, b = plan.svc, plan.a, plan.b
    for k, rt in enumerate(plan.routes):
        if v not in plan.allowed[k]:
            continue
        tm = plan.tm[k]
        depot = plan.depot[k]
        n = len(rt)
        # earliest starts along the route and latest starts keeping the rest feasible
        early = []
        t, prev = plan.t0[k], depot
        for i in rt:
            t = max(t + svc[prev] + tm[prev][i], a[i])
            early.append(t)
            prev = i
        late = [0] * n
        nxt_latest, nxt = plan.t1[k], depot
        for j in range(n - 1, -1, -1):
            i = rt[j]
            late[j] = min(b[i], nxt_latest - svc[i] - tm[i][nxt])
            nxt_latest, nxt = late[j], i
        loads = [sum(plan.amount[d][i] for i in rt) + plan.amount[d][v] for d in plan.dims]
        caps = plan.caps[k]
        amounts = [plan.amount[d] for d in plan.dims]
        kmax = 2 if n <= 15 else 1
        for pos in range(n + 1):
            seq = rt[:pos] + [v] + rt[pos:]
            # ejecting stops after the first late one cannot repair it
            jv = _first_violation(plan, k, seq, pos, early, tm, depot)
            if jv == 0:
                continue
            limit = n if jv is None else jv
            others = [j for j in range(n + 1) if j != pos]
            for size in range(1, kmax + 1):
                for combo in itertools.combinations(others, size):
                    if combo[0] > limit:
                        break
                    cost = 0
                    for j in combo:
                        cost += counter.get(seq[j], 0)
                    if best_cost is not None and cost > best_cost:
                        continue
                    if any(loads[q] - sum(amounts[q][seq[j]] for j in combo) > caps[q]
                           for q in range(len(caps))):
                        continue
                    if not _ok_after_change(plan, k, seq, pos, combo, early, late, tm, depot):
                        continue
                    ej = [seq[j] for j in combo]
                    cand = [x for j, x in enumerate(seq) if j not in combo]
                    if best_cost is None or cost < best_cost:
                        best_cost, best = cost, [(k, cand, ej)]
                    else:
                        best.append((k, cand, ej))
    return rng.choice(best) if best else None


def _first_violation(plan: RoutePlan, k: int, seq: list[int], pos: int, early: list[int],
                     tm: list[list[int]], depot: int) -> int | None:
    """Index in ``seq`` of the first stop served late (len(seq) if only the return is
    late), None if the sequence is on time."""
    svc, a, b = plan.svc, plan.a, plan.b
    if pos > 0:
        prev, t = seq[pos - 1], early[pos - 1]
    else:
        prev, t = depot, plan.t0[k]
    for j in range(pos, len(seq)):
        i = seq[j]
        t = t + svc[prev] + tm[prev][i]
        if t < a[i]:
            t = a[i]
        if t > b[i]:
            return j
        prev = i
    if t + svc[prev] + tm[prev][depot] > plan.t1[k]:
        return len(seq)
    return None


def _ok_after_change(plan: RoutePlan, k: int, seq: list[int], pos: int,
                     combo: tuple[int, ...], early: list[int], late: list[int],
                     tm: list[list[int]], depot: int) -> bool:
    svc, a, b = plan.svc, plan.a, plan.b
    first = min(pos, combo[0])
    last = max(pos, combo[-1])
    if first > 0:
        prev = seq[first - 1]
        t = early[first - 1]  # prefix before the insertion point is unchanged
    else:
        prev, t = depot, plan.t0[k]
    for j in range(first, len(seq)):
        if j in combo:
            continue
        i = seq[j]
        t = t + svc[prev] + tm[prev][i]
        if t < a[i]:
            t = a[i]
        if j > last:
            return t <= late[j - 1]  # unchanged suffix from here on
        if t > b[i]:
            return False
        prev = i
    return t + svc[prev] + tm[prev][depot] <= plan.t1[k]


def _perturb(plan: RoutePlan, rng: random.Random, moves: int) -> None:
    routes = plan.routes
    n = len(routes)
    for _ in range(moves):
        k1 = rng.randrange(n)
        k2 = rng.randrange(n)
        r1, r2 = routes[k1], routes[k2]
        if rng.random() < 0.5:
            # relocate one stop
            if not r1:
                continue
            i = rng.randrange(len(r1))
            node = r1[i]
            new1 = r1[:i] + r1[i + 1:]
            if k1 == k2:
                j = rng.randrange(len(new1) + 1)
                cand = new1[:j] + [node] + new1[j:]
                if plan.time_ok(k1, cand):
                    routes[k1] = cand
                continue
            if node not in plan.allowed[k2]:
                continue
            j = rng.randrange(len(r2) + 1)
            new2 = r2[:j] + [node] + r2[j:]
            if plan.load_ok(k2, new2) and plan.time_ok(k2, new2) and plan.time_ok(k1, new1):
                routes[k1], routes[k2] = new1, new2
        else:
            # 2-opt*: exchange tails
            if k1 == k2:
                continue
            i = rng.randrange(len(r1) + 1)
            j = rng.randrange(len(r2) + 1)
            new1 = r1[:i] + r2[j:]
            new2 = r2[:j] + r1[i:]
            if plan.ok(k1, new1) and plan.ok(k2, new2):
                routes[k1], routes[k2] = new1, new2
