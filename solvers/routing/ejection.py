"""Route removal by an ejection pool (after Nagata and Braysy, 2009).

Used by the solver to lower the fleet by one: the stops of one route go into a pool;
each is inserted where feasible, otherwise inserted while ejecting up to ``max_eject``
stops of the receiving route, choosing the ejection whose stops were re-inserted least
often so far (insertion counters), and the plan is perturbed by random feasible moves
(relocate, 2-opt*). It works on node sequences of the solver's internal instance and
only handles the cases it can check exactly: time windows, shifts and capacities of
pickup-only or delivery-only dimensions (no disposal sites, no mixed compartments).

Every route keeps its earliest service starts and its latest feasible service starts
(``RoutePlan.early`` / ``late``) so that inserting or removing one stop, or exchanging
route tails, is checked in constant time; this is what makes thousands of moves per
second possible in plain Python.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .instance import Instance


#: equally good ejections kept to choose from at random
TIES = 16


class RoutePlan:
    """Routes of a fleet with the schedule data needed for constant-time checks."""

    def __init__(self, inst: Instance, vehicles: list[int], routes: list[list[int]],
                 segments: bool = True):
        """``segments``: keep the time-warp segments the squeeze needs (costs time on
        every change)."""
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
        dims = [d for d in inst.dims if any(inst.demand[d])]
        self.dims = dims
        self.amounts = [[abs(x) for x in inst.demand[d]] for d in dims]
        self.caps = [[int(p.vehicles[v].capacity.get(d, 0)) for d in dims] for v in vehicles]
        self.allowed: list[set[int]] = [set() for _ in vehicles]
        pos = {v: k for k, v in enumerate(vehicles)}
        for node, vs in inst.allowed.items():
            for v in vs:
                if v in pos:
                    self.allowed[pos[v]].add(node)
        # tails can move between vehicles without a full check only if all are alike
        self.uniform = (len({id(t) for t in self.tm}) <= 1 and len(set(self.depot)) <= 1
                        and len(set(self.t0)) <= 1 and len(set(self.t1)) <= 1)
        self.segments = segments and self.uniform
        self.restricted = any(len(s) < len(inst.allowed) for s in self.allowed)
        self.svc = [nd.service for nd in inst.nodes]
        self.a = [nd.window[0] for nd in inst.nodes]
        self.b = [nd.window[1] for nd in inst.nodes]
        self.early: list[list[int]] = [[] for _ in vehicles]
        self.late: list[list[int]] = [[] for _ in vehicles]
        self.prefix: list[list[list[int]]] = [[] for _ in vehicles]
        self.where: dict[int, tuple[int, int]] = {}
        self.fwd: list[list[tuple[int, int, int, int]]] = [[] for _ in vehicles]
        self.bwd: list[list[tuple[int, int, int, int]]] = [[] for _ in vehicles]
        for k in range(len(vehicles)):
            self.refresh(k)

    def refresh(self, k: int) -> None:
        """Recompute the schedule data of route ``k`` after it changed."""
        rt = self.routes[k]
        tm, svc, a, b = self.tm[k], self.svc, self.a, self.b
        early = []
        t, prev = self.t0[k], self.depot[k]
        for i in rt:
            t += svc[prev] + tm[prev][i]
            if t < a[i]:
                t = a[i]
            early.append(t)
            prev = i
        n = len(rt)
        late = [0] * n
        nxt_late, nxt = self.t1[k], self.depot[k]
        for j in range(n - 1, -1, -1):
            i = rt[j]
            x = nxt_late - svc[i] - tm[i][nxt]
            late[j] = x if x < b[i] else b[i]
            nxt_late, nxt = late[j], i
        self.early[k] = early
        self.late[k] = late
        pre = []
        for am in self.amounts:
            acc = [0]
            s = 0
            for i in rt:
                s += am[i]
                acc.append(s)
            pre.append(acc)
        self.prefix[k] = pre
        where = self.where
        for j, i in enumerate(rt):
            where[i] = (k, j)
        if self.segments:
            self._segments(k)

    def _segments(self, k: int) -> None:
        """Time-warp segments of every head (depot + route[:j]) and tail (route[j:] +
        depot), for penalised moves in the squeeze."""
        rt = self.routes[k]
        tm, svc, a, b = self.tm[k], self.svc, self.a, self.b
        depot = self.depot[k]
        seg = (0, 0, self.t0[k], self.t1[k])
        fwd = [seg]
        prev = depot
        for i in rt:
            seg = _concat(seg, tm[prev][i], (svc[i], 0, a[i], b[i]))
            fwd.append(seg)
            prev = i
        seg = (0, 0, self.t0[k], self.t1[k])
        bwd = [seg]
        nxt = depot
        for j in range(len(rt) - 1, -1, -1):
            i = rt[j]
            seg = _concat((svc[i], 0, a[i], b[i]), tm[i][nxt], seg)
            bwd.append(seg)
            nxt = i
        bwd.reverse()
        self.fwd[k] = fwd
        self.bwd[k] = bwd

    def load(self, k: int, q: int) -> int:
        return self.prefix[k][q][-1]

    def fits_load(self, k: int, node: int) -> bool:
        return all(self.prefix[k][q][-1] + am[node] <= self.caps[k][q]
                   for q, am in enumerate(self.amounts))

    def can_insert(self, k: int, node: int, pos: int) -> bool:
        """Time check of serving ``node`` before position ``pos`` of route ``k``."""
        rt = self.routes[k]
        tm = self.tm[k]
        prev, t = self._before(k, pos)
        t += self.svc[prev] + tm[prev][node]
        if t > self.b[node]:
            return False
        if t < self.a[node]:
            t = self.a[node]
        if pos < len(rt):
            return t + self.svc[node] + tm[node][rt[pos]] <= self.late[k][pos]
        return t + self.svc[node] + tm[node][self.depot[k]] <= self.t1[k]

    def _before(self, k: int, pos: int) -> tuple[int, int]:
        """The node served before position ``pos`` of route ``k`` and its earliest start."""
        if pos:
            return self.routes[k][pos - 1], self.early[k][pos - 1]
        return self.depot[k], self.t0[k]

    def can_remove(self, k: int, pos: int) -> bool:
        """Time check of skipping position ``pos`` (needed without triangle inequality)."""
        rt = self.routes[k]
        tm = self.tm[k]
        prev, t = self._before(k, pos)
        if pos + 1 < len(rt):
            nxt = rt[pos + 1]
            return t + self.svc[prev] + tm[prev][nxt] <= self.late[k][pos + 1]
        return t + self.svc[prev] + tm[prev][self.depot[k]] <= self.t1[k]

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
        """Full check of a route for vehicle ``k``."""
        allowed = self.allowed[k]
        if any(i not in allowed for i in route):
            return False
        for q, am in enumerate(self.amounts):
            if sum(am[i] for i in route) > self.caps[k][q]:
                return False
        return self.time_ok(k, route)

    def insertions(self, node: int) -> list[tuple[int, int]]:
        out = []
        for k, rt in enumerate(self.routes):
            if node not in self.allowed[k] or not self.fits_load(k, node):
                continue
            for pos in range(len(rt) + 1):
                if self.can_insert(k, node, pos):
                    out.append((k, pos))
        return out

    def added_distance(self, k: int, pos: int, node: int) -> int:
        dist = self.inst.dist
        rt = self.routes[k]
        a = rt[pos - 1] if pos > 0 else self.depot[k]
        b = rt[pos] if pos < len(rt) else self.depot[k]
        return dist[a][node] + dist[node][b] - dist[a][b]


def remove_route(inst: Instance, vehicles: list[int], routes: list[list[int]],
                 pool: list[int], seconds: float, seed: int = 0,
                 perturb_moves: int = 100, cheapest: bool = True,
                 max_eject: int = 3, use_squeeze: bool = True) -> list[list[int]] | None:
    """Serve the stops in ``pool`` with the given routes (one per vehicle); returns the
    new routes, or None if the time runs out first."""
    end = time.monotonic() + seconds
    rng = random.Random(seed)
    plan = RoutePlan(inst, vehicles, routes)
    counter: dict[int, int] = {}
    near = neighbours(plan)
    ep = list(pool)
    rng.shuffle(ep)
    while ep:
        if time.monotonic() > end:
            return None
        v = ep.pop()
        feas = plan.insertions(v)
        if not feas and use_squeeze and squeeze(plan, v, near):
            continue
        if feas:
            if cheapest:
                k, pos = min(feas, key=lambda kp: plan.added_distance(kp[0], kp[1], v))
            else:
                k, pos = rng.choice(feas)
            plan.routes[k].insert(pos, v)
            plan.refresh(k)
            continue
        counter[v] = counter.get(v, 0) + 1
        # the search grows with route length to the power of max_eject
        longest = max(len(rt) for rt in plan.routes)
        best = best_ejection(plan, v, counter, rng, max_eject if longest <= 25 else 2)
        if best is None:
            ep.insert(0, v)
            perturb(plan, rng, perturb_moves * 3, near)
            continue
        k, new_route, ejected = best
        plan.routes[k] = new_route
        for x in ejected:
            del plan.where[x]
        plan.refresh(k)
        ep.extend(ejected)
        perturb(plan, rng, perturb_moves, near)
    return plan.routes


def best_ejection(plan: RoutePlan, v: int, counter: dict[int, int], rng: random.Random,
                  max_eject: int = 3) -> tuple[int, list[int], list[int]] | None:
    """Cheapest (by insertion counters) way to insert ``v`` into one route while ejecting
    at most ``max_eject`` of its stops: a depth-first search over keep/eject decisions
    along the route, cut off by the best cost so far and finished early as soon as the
    schedule meets the unchanged rest of the route in time."""
    svc, a, b = plan.svc, plan.a, plan.b
    amounts = plan.amounts
    best_cost = [1 << 60]
    found: list[tuple[int, int, tuple[int, ...]]] = []  # (route, insert pos, ejected)

    order = list(range(len(plan.routes)))
    rng.shuffle(order)
    for k in order:
        rt = plan.routes[k]
        if v not in plan.allowed[k]:
            continue
        tm = plan.tm[k]
        depot = plan.depot[k]
        late = plan.late[k]
        t0, t1 = plan.t0[k], plan.t1[k]
        n = len(rt)
        excess0 = [plan.load(k, q) + am[v] - plan.caps[k][q] for q, am in enumerate(amounts)]
        # counters first, then the number of ejected stops
        cost_of = [counter.get(x, 0) * (max_eject + 1) + 1 for x in rt]

        for p in range(n + 1):
            seq = rt[:p] + [v] + rt[p:]
            m = n + 1

            def dfs(j: int, t: int, prev: int, cost: int, ejected: tuple[int, ...],
                    excess: list[int], p: int = p, seq: list[int] = seq, m: int = m,
                    tm: list[list[int]] = tm, depot: int = depot, t1: int = t1,
                    cost_of: list[int] = cost_of, late: list[int] = late) -> None:
                while True:
                    if j == m:
                        if (t + svc[prev] + tm[prev][depot] <= t1
                                and all(e <= 0 for e in excess)):
                            _record(cost, ejected)
                        return
                    x = seq[j]
                    orig = j if j < p else j - 1
                    s = t + svc[prev] + tm[prev][x]
                    if s < a[x]:
                        s = a[x]
                    if x != v and len(ejected) < max_eject:
                        c = cost + cost_of[orig]
                        if c < best_cost[0] or (c == best_cost[0] and len(found) < TIES):
                            dfs(j + 1, t, prev, c, (*ejected, orig),
                                [e - am[x] for e, am in zip(excess, amounts, strict=True)])
                    if s > b[x]:
                        return
                    if j > p and s <= late[orig]:
                        if all(e <= 0 for e in excess):
                            _record(cost, ejected)
                            return
                    elif j > p and len(ejected) == max_eject:
                        return
                    t, prev, j = s, x, j + 1

            def _record(cost: int, ejected: tuple[int, ...], k: int = k, p: int = p) -> None:
                if not ejected:
                    return
                if cost < best_cost[0]:
                    best_cost[0] = cost
                    found.clear()
                if cost == best_cost[0] and len(found) < TIES:
                    found.append((k, p, ejected))

            dfs(0, t0, depot, 0, (), excess0)

    if not found:
        return None
    k, p, ejected = rng.choice(found)
    rt = plan.routes[k]
    out = set(ejected)
    new_route = [x for j, x in enumerate(rt) if j not in out]
    new_route.insert(p - sum(1 for j in ejected if j < p), v)
    return k, new_route, [rt[j] for j in ejected]


def perturb(plan: RoutePlan, rng: random.Random, moves: int,
            near: dict[int, list[int]] | None = None) -> None:
    """Random feasible relocations and tail exchanges between routes: they change the
    shape of the plan without changing what it serves. With neighbour lists the moves
    bring a stop next to one of its neighbours, which is feasible far more often."""
    routes = plan.routes
    n = len(routes)
    if n < 2:
        return
    where = plan.where
    placed = list(where) if near else []
    for _ in range(moves):
        if placed:
            u = rng.choice(placed)
            k1, i = where[u]
            assert near is not None  # placed is empty without neighbour lists
            w = rng.choice(near[u])
            if w not in where:
                continue
            k2, j = where[w]
            if k1 == k2:
                continue
            r = rng.random()
            if r < 0.5:
                _try_relocate(plan, k1, i, k2, j + (r < 0.25))
            else:
                _try_two_opt_star(plan, k1, i + (r < 0.75), k2, j + (r >= 0.75))
            continue
        k1 = rng.randrange(n)
        k2 = rng.randrange(n - 1)
        if k2 >= k1:
            k2 += 1
        r1, r2 = routes[k1], routes[k2]
        if rng.random() < 0.5:
            if r1:
                _try_relocate(plan, k1, rng.randrange(len(r1)), k2, rng.randrange(len(r2) + 1))
        else:
            _try_two_opt_star(plan, k1, rng.randrange(len(r1) + 1), k2,
                              rng.randrange(len(r2) + 1))


def _try_relocate(plan: RoutePlan, k1: int, i: int, k2: int, j: int) -> bool:
    node = plan.routes[k1][i]
    if (node not in plan.allowed[k2] or not plan.fits_load(k2, node)
            or not plan.can_insert(k2, node, j) or not plan.can_remove(k1, i)):
        return False
    del plan.routes[k1][i]
    plan.routes[k2].insert(j, node)
    plan.refresh(k1)
    plan.refresh(k2)
    return True


def _try_two_opt_star(plan: RoutePlan, k1: int, i: int, k2: int, j: int) -> bool:
    r1, r2 = plan.routes[k1], plan.routes[k2]
    if i == len(r1) and j == len(r2):
        return False
    new1 = r1[:i] + r2[j:]
    new2 = r2[:j] + r1[i:]
    if plan.uniform and not plan.restricted:
        for q, cap in enumerate(plan.caps[k1]):
            pre1, pre2 = plan.prefix[k1][q], plan.prefix[k2][q]
            if (pre1[i] + pre2[-1] - pre2[j] > cap
                    or pre2[j] + pre1[-1] - pre1[i] > plan.caps[k2][q]):
                return False
        if not (_joins(plan, k1, i, k2, j) and _joins(plan, k2, j, k1, i)):
            return False
    elif not (plan.ok(k1, new1) and plan.ok(k2, new2)):
        return False
    plan.routes[k1], plan.routes[k2] = new1, new2
    plan.refresh(k1)
    plan.refresh(k2)
    return True


def _joins(plan: RoutePlan, k1: int, i: int, k2: int, j: int) -> bool:
    """Whether the head ``routes[k1][:i]`` can be followed by the tail ``routes[k2][j:]``
    (same vehicle type, so the tail's latest starts still hold)."""
    r1, r2 = plan.routes[k1], plan.routes[k2]
    tm = plan.tm[k1]
    if i:
        prev, t = r1[i - 1], plan.early[k1][i - 1]
    else:
        prev, t = plan.depot[k1], plan.t0[k1]
    if j < len(r2):
        return t + plan.svc[prev] + tm[prev][r2[j]] <= plan.late[k2][j]
    return t + plan.svc[prev] + tm[prev][plan.depot[k1]] <= plan.t1[k1]


def _concat(s1: tuple[int, int, int, int], travel: int, s2: tuple[int, int, int, int]
            ) -> tuple[int, int, int, int]:
    """Join two segments (duration, time warp, earliest and latest start), after Vidal
    et al. (2013): time warp is lateness paid by travelling back in time."""
    d1, tw1, e1, l1 = s1
    d2, tw2, e2, l2 = s2
    delta = d1 - tw1 + travel
    wait = e2 - delta - l1
    if wait < 0:
        wait = 0
    warp = e1 + delta - l2
    if warp < 0:
        warp = 0
    e = e2 - delta if e2 - delta > e1 else e1
    lt = l2 - delta if l2 - delta < l1 else l1
    return d1 + d2 + travel + wait, tw1 + tw2 + warp, e - wait, lt + warp


def neighbours(plan: RoutePlan, count: int = 15) -> dict[int, list[int]]:
    """The ``count`` stops nearest in travel time to each stop."""
    tm = plan.tm[0]
    stops = plan.inst.stop_nodes
    return {u: sorted((w for w in stops if w != u), key=lambda w: tm[u][w] + tm[w][u])[:count]
            for u in stops}


def squeeze(plan: RoutePlan, v: int, near: dict[int, list[int]], max_steps: int = 20
            ) -> bool:
    """Insert ``v`` where it causes the least time warp, then move stops and exchange
    tails to remove the warp (Nagata and Braysy's squeeze, capacity kept feasible).
    On failure the plan is left as it was."""
    if not plan.uniform or plan.restricted:
        return False
    tm = plan.tm[0]
    svc, a, b = plan.svc, plan.a, plan.b
    vseg = (svc[v], 0, a[v], b[v])
    best = None
    for k, rt in enumerate(plan.routes):
        if not plan.fits_load(k, v):
            continue
        fwd, bwd = plan.fwd[k], plan.bwd[k]
        depot = plan.depot[k]
        for p in range(len(rt) + 1):
            prev = rt[p - 1] if p else depot
            nxt = rt[p] if p < len(rt) else depot
            tw = _concat(_concat(fwd[p], tm[prev][v], vseg), tm[v][nxt], bwd[p])[1]
            if best is None or tw < best[0]:
                best = (tw, k, p)
    if best is None:
        return False
    saved = [list(r) for r in plan.routes]
    _, k, p = best
    plan.routes[k].insert(p, v)
    plan.refresh(k)
    warp = [plan.fwd[q][-1][1] for q in range(len(plan.routes))]
    for _ in range(max_steps):
        bad = [q for q, w in enumerate(warp) if w > 0]
        if not bad:
            return True
        k1 = max(bad, key=lambda q: warp[q])
        move = _best_repair(plan, k1, near, warp, tm)
        if move is None:
            break
        move()
        warp = [plan.fwd[q][-1][1] for q in range(len(plan.routes))]
    if not any(warp):
        return True
    plan.routes = saved
    del plan.where[v]
    for q in range(len(saved)):
        plan.refresh(q)
    return False


def _best_repair(plan: RoutePlan, k1: int, near: dict[int, list[int]], warp: list[int],
                 tm: list[list[int]]) -> Callable[[], None] | None:
    """The move out of route ``k1`` (relocate one of its stops next to a neighbour, or
    exchange tails with a neighbour's route) that lowers the total time warp most."""
    svc, a, b = plan.svc, plan.a, plan.b
    r1 = plan.routes[k1]
    fwd1, bwd1 = plan.fwd[k1], plan.bwd[k1]
    depot = plan.depot[k1]
    where = plan.where
    best_gain = 0
    best = None
    for i, u in enumerate(r1):
        useg = (svc[u], 0, a[u], b[u])
        prev1 = r1[i - 1] if i else depot
        nxt1 = r1[i + 1] if i + 1 < len(r1) else depot
        without = _concat(fwd1[i], tm[prev1][nxt1], bwd1[i + 1])[1]
        for w in near[u]:
            k2, j = where.get(w, (k1, 0))
            if k2 == k1:
                continue
            r2 = plan.routes[k2]
            fwd2, bwd2 = plan.fwd[k2], plan.bwd[k2]
            old = warp[k1] + warp[k2]
            # relocate u before or after w
            if plan.fits_load(k2, u):
                for pos in (j, j + 1):
                    prev2 = r2[pos - 1] if pos else depot
                    nxt2 = r2[pos] if pos < len(r2) else depot
                    tw = _concat(_concat(fwd2[pos], tm[prev2][u], useg), tm[u][nxt2],
                                 bwd2[pos])[1]
                    gain = old - without - tw
                    if gain > best_gain:
                        best_gain = gain
                        best = ("relocate", k1, i, k2, pos)
            # tails: u then w, and w then u's successor
            for i1, j2 in ((i + 1, j), (i, j + 1)):
                if not _tail_loads_fit(plan, k1, i1, k2, j2):
                    continue
                last1 = r1[i1 - 1] if i1 else depot
                first2 = r2[j2] if j2 < len(r2) else depot
                last2 = r2[j2 - 1] if j2 else depot
                first1 = r1[i1] if i1 < len(r1) else depot
                tw = (_concat(fwd1[i1], tm[last1][first2], bwd2[j2])[1]
                      + _concat(fwd2[j2], tm[last2][first1], bwd1[i1])[1])
                gain = old - tw
                if gain > best_gain:
                    best_gain = gain
                    best = ("tails", k1, i1, k2, j2)
    if best is None:
        return None
    kind, k1, i, k2, j = best

    def apply() -> None:
        r1, r2 = plan.routes[k1], plan.routes[k2]
        if kind == "relocate":
            node = r1.pop(i)
            r2.insert(j, node)
        else:
            plan.routes[k1], plan.routes[k2] = r1[:i] + r2[j:], r2[:j] + r1[i:]
        plan.refresh(k1)
        plan.refresh(k2)

    return apply


def _tail_loads_fit(plan: RoutePlan, k1: int, i: int, k2: int, j: int) -> bool:
    for q, cap in enumerate(plan.caps[k1]):
        pre1, pre2 = plan.prefix[k1][q], plan.prefix[k2][q]
        if (pre1[i] + pre2[-1] - pre2[j] > cap
                or pre2[j] + pre1[-1] - pre1[i] > plan.caps[k2][q]):
            return False
    return True
