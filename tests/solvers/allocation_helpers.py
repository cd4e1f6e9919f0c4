"""Tiny hand-sized instances and a brute-force optimum to test the allocator against."""

from __future__ import annotations

import random

from solvers.allocation import check


def bay(bid: str, length: float = 12.0, capacity: int = 1, open_=None) -> dict:
    """A bay open 07:00-11:00 to everyone unless ``open_`` says otherwise."""
    return {"id": bid, "street": "Teststraat", "length_m": length, "capacity": capacity,
            "open": open_ or [{"start": 420, "end": 660, "zero_emission_only": False}]}


def request(rid: str, bays: list[str], *, start: int = 420, slack: int = 0, duration: int = 10,
            weight: int = 1, length: float = 6.0, ze: bool = False, seq: int = 0,
            walks: list[int] | None = None, organisation: str | None = None) -> dict:
    """A request preferring ``start`` that may shift by up to ``slack`` minutes later."""
    walks = walks or [10 * (i + 1) for i in range(len(bays))]
    r = {"id": rid, "submitted_seq": seq, "weight": weight, "duration": duration,
         "length_m": length, "zero_emission": ze, "earliest_start": start,
         "latest_end": start + duration + slack, "preferred_start": start,
         "options": [{"bay": b, "walk_m": w} for b, w in zip(bays, walks, strict=True)]}
    if organisation:
        r["organisation"] = organisation
    return r


def instance(bays: list[dict], requests: list[dict], quotas: dict | None = None) -> dict:
    day = {"format": "venster-allocation/1", "name": "test", "date": "2026-12-02",
           "bays": bays, "requests": requests}
    if quotas is not None:
        day["quotas"] = quotas
    return day


def random_tiny(rng: random.Random, n_requests: int = 4) -> dict:
    """Two small bays (one with zero-emission-only afternoon) and a few competing requests."""
    bays = [bay("B1", 12.0, 1),
            bay("B2", 15.0, 2, [{"start": 420, "end": 440, "zero_emission_only": False},
                                {"start": 440, "end": 470, "zero_emission_only": True}])]
    reqs = []
    for i in range(n_requests):
        options = rng.sample(["B1", "B2"], rng.choice([1, 2]))
        reqs.append(request(f"R{i}", options, start=420 + rng.randrange(0, 30, 3),
                            slack=rng.choice([0, 3, 6]), duration=rng.choice([10, 15, 20]),
                            weight=rng.choice([1, 1, 2]), length=rng.choice([2.5, 6.5, 10.0]),
                            ze=rng.random() < 0.5, seq=i))
    return instance(bays, reqs)


def brute_force_optimum(day: dict) -> int:
    """Best objective over every assignment (each request unserved or at any bay and minute)."""
    reqs = day["requests"]
    choices = [[None] + [(o["bay"], s) for o in r["options"]
                         for s in range(r["earliest_start"], r["latest_end"] - r["duration"] + 1)]
               for r in reqs]
    best = 0

    def dfs(i: int, chosen: list[dict]) -> None:
        nonlocal best
        if i == len(reqs):
            best = max(best, check(day, chosen).objective)
            return
        for c in choices[i]:
            nxt = chosen if c is None else chosen + [
                {"request": reqs[i]["id"], "bay": c[0], "start": c[1]}]
            if c is None or check(day, nxt).feasible:
                dfs(i + 1, nxt)

    dfs(0, [])
    return best
