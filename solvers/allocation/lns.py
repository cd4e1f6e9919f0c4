"""Large-neighbourhood search: repeatedly re-solve small pieces of the plan exactly.

The request-bay graph of a city day is one connected component, so the whole
day is too big for an exact model; but bays on the same street over an hour
and a half interact with little else. Freeing ~8 bays that share requests over
a ~90-minute window, together with the unserved requests that fit there, gives
pieces CP-SAT solves to optimality in a fraction of a second. Many small
accepted improvements add up.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .model import Instance
from .piece import apply, build_piece, restore, solve_piece
from .plan import Plan


@dataclass
class Settings:
    """Piece size and effort; the defaults come from measurements on Leiden-shaped days."""

    bays: int = 8
    window: int = 90
    step: int = 5
    max_extra: int = 60
    piece_time: float = 1.0


class Neighbourhoods:
    """Chooses pieces: bays that share requests, around where unserved demand is."""

    def __init__(self, inst: Instance, rng: random.Random) -> None:
        self.inst, self.rng = inst, rng
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

    def grow(self, seed_bay: int, size: int) -> list[int]:
        """Seed bay plus the bays most connected to the chosen set (ties broken randomly)."""
        chosen = [seed_bay]
        score = self.shared[seed_bay].copy()
        while len(chosen) < size:
            noisy = score * (1 + 0.5 * np.array([self.rng.random() for _ in score]))
            noisy[chosen] = -1
            nxt = int(np.argmax(noisy))
            if noisy[nxt] <= 0:
                break
            chosen.append(nxt)
            score += self.shared[nxt]
        return chosen

    def pick(self, plan: Plan, cfg: Settings) -> tuple[list[int], int, int, list[int]]:
        """(bays, window start, window end, unserved requests worth offering)."""
        unserved = np.flatnonzero(plan.bay_of < 0)
        reqs = self.inst.requests
        if len(unserved) and self.rng.random() < 0.85:
            r = reqs[int(self.rng.choice(unserved))]
            seed_bay = self.rng.choice(r.options).bay if r.options else 0
            centre = r.preferred_start + r.duration // 2
        else:
            seed_bay = self.rng.randrange(len(self.inst.bays))
            open_minutes = np.flatnonzero(self.inst.bays[seed_bay].admits[1])
            centre = int(self.rng.choice(open_minutes)) if len(open_minutes) else 600
        t0 = max(0, centre - self.rng.randrange(cfg.window // 4, 3 * cfg.window // 4 + 1))
        t1 = t0 + cfg.window
        bays = self.grow(seed_bay, cfg.bays)
        return bays, t0, t1, self._extra(plan, bays, t0, t1, cfg.max_extra)

    def _extra(self, plan: Plan, bays: list[int], t0: int, t1: int, limit: int) -> list[int]:
        reqs = self.inst.requests
        seen = {r for b in bays for r in self.by_bay[b] if plan.bay_of[r] < 0}
        fit = [r for r in seen
               if reqs[r].first_start <= t1 - reqs[r].duration and reqs[r].last_start >= t0]
        self.rng.shuffle(fit)
        fit.sort(key=lambda r: -reqs[r].weight)
        return fit[:limit]


def improve(plan: Plan, deadline: float, *, workers: int, seed: int,
            cfg: Settings | None = None,
            progress: Callable[[dict], None] | None = None,
            started: float | None = None) -> dict:
    """Run LNS on ``plan`` in place until ``deadline`` (time.monotonic); returns statistics."""
    cfg = cfg or Settings()
    rng = random.Random(seed)
    hoods = Neighbourhoods(plan.inst, rng)
    stats = {"pieces": 0, "improved": 0}
    started = time.monotonic() if started is None else started
    last_report = 0.0
    while (left := deadline - time.monotonic()) > 0.05:
        bays, t0, t1, extra = hoods.pick(plan, cfg)
        piece = build_piece(plan, bays, t0, t1, extra, cfg.step)
        chosen, value, _, _ = solve_piece(plan, piece, time_limit=min(cfg.piece_time, left),
                                          workers=workers, seed=rng.randrange(1 << 30))
        stats["pieces"] += 1
        if chosen is not None and value > piece.old_value and apply(plan, piece, chosen):
            stats["improved"] += 1
        elif chosen is None or value <= piece.old_value:
            restore(plan, piece)
        now = time.monotonic()
        if progress and now - last_report > 1.0:
            last_report = now
            progress({"phase": "lns", "objective": plan.objective, "bound": None,
                      "elapsed": now - started})
    return stats
