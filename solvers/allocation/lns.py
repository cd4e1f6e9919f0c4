"""Large-neighbourhood search: repeatedly re-solve small pieces of the plan exactly.

The request-bay graph of a city day is one connected component, so the whole
day is too big for one exact model; but a few bays that share requests, over
an hour, interact with little else. Such a piece, with the refused requests
that could park there, is re-solved exactly by CP-SAT (``piece.py``) and kept
when it is better. Early experiments freed ~8 bays over ~90 minutes; measured
here, 3 bays over 60 minutes gained more per second, because CP-SAT proves
those pieces optimal in tens of milliseconds and far more of them are tried.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Instance, Request
from .piece import Piece, build_piece, restore, settle, solve_piece
from .plan import Plan


@dataclass
class Settings:
    """Piece size and effort; the defaults come from measurements on Leiden-shaped days.

    Small pieces (3 bays, an hour) win: CP-SAT proves them optimal in tens of
    milliseconds, so far more pieces are tried in the same time.
    """

    bays: int = 3
    window: int = 60
    step: int = 5
    max_extra: int = 12
    piece_time: float = 0.15
    spread: float = 0.7  # share of pieces placed anywhere in a refused request's window
    polish: float = 0.1  # share of pieces solved even when no unserved request fits in them


class Neighbourhoods:
    """Chooses pieces: bays that share requests, around where unserved demand is."""

    def __init__(self, inst: Instance, rng: random.Random, spread: float = 0.7) -> None:
        self.inst, self.rng, self.spread = inst, rng, spread
        self.weight = np.array([r.weight for r in inst.requests], dtype=float)
        self.np_rng = np.random.default_rng(rng.randrange(1 << 30))
        nb = len(inst.bays)
        self.shared = np.zeros((nb, nb), dtype=np.float64)
        for req in inst.requests:
            bs = [o.bay for o in req.options]
            for a in bs:
                for b in bs:
                    if a != b:
                        self.shared[a, b] += 1
        self.by_bay: list[list[int]] = [[] for _ in range(nb)]
        for req in inst.requests:
            for o in req.options:
                self.by_bay[o.bay].append(req.index)

    def grow(self, seed_bay: int, size: int, busy: set[int]) -> list[int]:
        """Seed bay plus the free bays most connected to the chosen set (random ties)."""
        chosen = [seed_bay]
        score = self.shared[seed_bay].copy()
        blocked = list(busy)
        while len(chosen) < size:
            noisy = score * (1 + 0.5 * self.np_rng.random(len(score)))
            noisy[chosen] = -1
            noisy[blocked] = -1
            nxt = int(np.argmax(noisy))
            if noisy[nxt] <= 0:
                break
            chosen.append(nxt)
            score += self.shared[nxt]
        return chosen

    def pick(self, plan: Plan, cfg: Settings, busy_bays: set[int], busy_reqs: set[int]
             ) -> tuple[list[int], int, int, list[int]] | None:
        """(bays, window start, window end, unserved requests worth offering) or None."""
        seed_bay, centre = self._seed(plan, busy_bays, busy_reqs)
        if seed_bay is None:
            return None
        t0 = max(0, centre - self.rng.randrange(cfg.window // 4, 3 * cfg.window // 4 + 1))
        t1 = t0 + cfg.window
        bays = self.grow(seed_bay, cfg.bays, busy_bays)
        return bays, t0, t1, self._extra(plan, bays, t0, t1, cfg.max_extra, busy_reqs)

    def _seed(self, plan: Plan, busy_bays: set[int], busy_reqs: set[int]
              ) -> tuple[int | None, int]:
        """Mostly an option bay of a random unserved request (heavier ones likelier)."""
        unserved = np.flatnonzero(plan.bay_of < 0)
        weights = self.weight[unserved]
        for _ in range(20):
            if len(unserved) and self.rng.random() < 0.85:
                pick = self.rng.choices(unserved.tolist(), weights=weights.tolist())[0]
                r = self.inst.requests[pick]
                if r.index in busy_reqs or not r.options:
                    continue
                bay, centre = self.rng.choice(r.options).bay, self._when(r)
            else:
                bay = self.rng.randrange(len(self.inst.bays))
                minutes = np.flatnonzero(self.inst.bays[bay].admits[1])
                centre = int(self.rng.choice(minutes)) if len(minutes) else 600
            if bay not in busy_bays:
                return bay, centre
        return None, 0

    def _when(self, r: Request) -> int:
        """Mid-point of a start for ``r``: its wish, or anywhere in its window.

        The preferred time is where everyone else wants to be too; the rest of
        the window is often where a refused vehicle can actually be fitted in.
        """
        start = r.preferred_start
        if self.rng.random() < self.spread and r.last_start > r.first_start:
            start = self.rng.randint(r.first_start, r.last_start)
        return start + r.duration // 2

    def _extra(self, plan: Plan, bays: list[int], t0: int, t1: int, limit: int,
               busy: set[int]) -> list[int]:
        reqs = self.inst.requests
        seen = {r for b in bays for r in self.by_bay[b] if plan.bay_of[r] < 0 and r not in busy}
        fit = [r for r in seen
               if reqs[r].first_start <= t1 - reqs[r].duration and reqs[r].last_start >= t0]
        self.rng.shuffle(fit)
        fit.sort(key=lambda r: -reqs[r].weight)
        return fit[:limit]


class Search:
    """LNS over one plan, with ``threads`` pieces solved at once on disjoint bays.

    CP-SAT releases the GIL while solving, so with two cores two one-worker
    solves of small pieces beat one two-worker solve. Building and applying a
    piece happen under a lock; in-flight pieces reserve their bays and requests.
    """

    def __init__(self, plan: Plan, deadline: float, *, threads: int, cp_workers: int,
                 seed: int, cfg: Settings, progress: Callable[[dict[str, Any]], None] | None,
                 started: float) -> None:
        self.plan, self.deadline, self.cfg = plan, deadline, cfg
        self.threads, self.cp_workers, self.seed = threads, cp_workers, seed
        self.progress, self.started = progress, started
        self.lock = threading.Lock()
        self.busy_bays: set[int] = set()
        self.busy_reqs: set[int] = set()
        self.in_flight = 0  # objective of freed requests while their piece is solved
        self.stats = {"pieces": 0, "improved": 0}
        self.last_report = 0.0

    def run(self) -> dict[str, Any]:
        if self.threads <= 1:
            self._loop(0)
        else:
            pool = [threading.Thread(target=self._loop, args=(k,)) for k in range(self.threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        return self.stats

    def _loop(self, k: int) -> None:
        rng = random.Random(self.seed * 1000 + k)
        hoods = Neighbourhoods(self.plan.inst, rng, self.cfg.spread)
        while (left := self.deadline - time.monotonic()) > 0.05:
            with self.lock:
                piece = self._reserve(hoods)
            if piece is None:
                time.sleep(0.005)
                continue
            result = solve_piece(self.plan, piece, time_limit=min(self.cfg.piece_time, left),
                                 workers=self.cp_workers, seed=rng.randrange(1 << 30),
                                 presolve=False)
            with self.lock:
                self._settle(piece, result[0], result[1])

    def _reserve(self, hoods: Neighbourhoods) -> Piece | None:
        choice = hoods.pick(self.plan, self.cfg, self.busy_bays, self.busy_reqs)
        if choice is None:
            return None
        bays, t0, t1, extra = choice
        piece = build_piece(self.plan, bays, t0, t1, extra, self.cfg.step)
        if not set(extra) & set(piece.requests) and hoods.rng.random() > self.cfg.polish:
            # Nobody new can park here: at best minutes of walking or waiting are won.
            restore(self.plan, piece)
            return None
        piece.reserved = set(extra) | {r for r, _, _ in piece.freed}
        self.busy_bays.update(bays)
        self.busy_reqs.update(piece.reserved)
        self.in_flight += piece.old_value
        return piece

    def _settle(self, piece: Piece, chosen: list[int] | None, value: int) -> None:
        self.stats["pieces"] += 1
        self.in_flight -= piece.old_value
        if settle(self.plan, piece, chosen, value):
            self.stats["improved"] += 1
        self.busy_bays.difference_update(piece.bays)
        self.busy_reqs.difference_update(piece.reserved)
        now = time.monotonic()
        if self.progress and now - self.last_report > 1.0:
            self.last_report = now
            objective = self.plan.objective + self.in_flight
            self.progress({"phase": "lns", "objective": objective, "bound": None,
                           "elapsed": now - self.started})


def improve(plan: Plan, deadline: float, *, workers: int, seed: int,
            cfg: Settings | None = None,
            progress: Callable[[dict[str, Any]], None] | None = None,
            started: float | None = None) -> dict[str, Any]:
    """Run LNS on ``plan`` in place until ``deadline`` (time.monotonic); returns statistics.

    Quotas couple pieces through organisations, so with quotas the pieces run
    one at a time (each CP-SAT solve then gets all ``workers``).
    """
    parallel = workers > 1 and not plan.inst.quotas
    search = Search(plan, deadline, threads=workers if parallel else 1,
                    cp_workers=1 if parallel else workers, seed=seed, cfg=cfg or Settings(),
                    progress=progress,
                    started=time.monotonic() if started is None else started)
    return search.run()
