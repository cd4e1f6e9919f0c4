"""Seeded generator of Leiden-shaped delivery days in the exchange format.

Used by tests and benchmarks so the project does not depend on any outside
instance files. The shape follows the city centre: bays along a dozen streets,
a general loading window in the morning, zero-emission-only hours after it,
market stalls closing some bays at midday, demand peaking in the morning and
carriers (organisations) that book many slots each.

    python -m solvers.allocation.generate --preset leiden --seed 1 > day.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from typing import Any

# Street axes in Leiden's centre: (name, (lat, lon) start, (lat, lon) end), approximate.
STREETS = [
    ("Haarlemmerstraat", (52.1612, 4.4873), (52.1597, 4.4978)),
    ("Breestraat", (52.1587, 4.4884), (52.1574, 4.4962)),
    ("Nieuwe Rijn", (52.1581, 4.4917), (52.1573, 4.4985)),
    ("Oude Rijn", (52.1591, 4.4905), (52.1584, 4.4990)),
    ("Botermarkt", (52.1585, 4.4911), (52.1580, 4.4934)),
    ("Vismarkt", (52.1582, 4.4921), (52.1578, 4.4936)),
    ("Hogewoerd", (52.1570, 4.4950), (52.1558, 4.5025)),
    ("Stationsweg", (52.1652, 4.4842), (52.1625, 4.4866)),
    ("Morsstraat", (52.1620, 4.4810), (52.1606, 4.4860)),
    ("Pieterskerkhof", (52.1579, 4.4888), (52.1571, 4.4906)),
    ("Garenmarkt", (52.1562, 4.4937), (52.1553, 4.4962)),
    ("Lange Mare", (52.1619, 4.4951), (52.1596, 4.4969)),
]
MARKET = {"Botermarkt", "Vismarkt", "Nieuwe Rijn"}
ORGANISATIONS = ["parcel-north", "parcel-south", "fresh-coop", "wholesale-west",
                 "waste-collective", "florists", "pharma-express", "local-shops"]
PRESETS = {"small": (12, 250), "leiden": (60, 1500), "city": (200, 6000)}

LOADING = (420, 660)  # 07:00-11:00 every vehicle
CLEAN_ONLY = (660, 1080)  # 11:00-18:00 zero-emission vehicles only
MARKET_HOURS = (480, 840)  # 08:00-14:00 stalls on market streets


@dataclass
class Spec:
    """Size and features of a generated day."""

    bays: int
    requests: int
    seed: int = 1
    market_day: bool = True
    quotas: bool = False


Street = tuple[str, tuple[float, float], tuple[float, float]]


def _point(street: Street, rng: random.Random, jitter_m: float = 0.0) -> tuple[float, float]:
    _, (la0, lo0), (la1, lo1) = street
    f = rng.random()
    return (la0 + f * (la1 - la0) + rng.gauss(0, jitter_m) / 111_000,
            lo0 + f * (lo1 - lo0) + rng.gauss(0, jitter_m) / 68_000)


def _walk(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Metres on foot: straight-line distance with a detour factor for the street grid."""
    dy = (a[0] - b[0]) * 111_000
    dx = (a[1] - b[1]) * 111_000 * math.cos(math.radians(a[0]))
    return round(1.3 * math.hypot(dx, dy))


def _open_windows(street: str, rng: random.Random, market_day: bool) -> list[dict[str, Any]]:
    windows = [(*LOADING, False), (*CLEAN_ONLY, True)]
    if market_day and street in MARKET and rng.random() < 0.6:
        m0, m1 = MARKET_HOURS
        windows = [part for s, e, ze in windows
                   for part in ((s, min(e, m0), ze), (max(s, m1), e, ze)) if part[0] < part[1]]
    return [{"start": s, "end": e, "zero_emission_only": ze} for s, e, ze in windows]


def make_bays(spec: Spec, rng: random.Random) -> list[dict[str, Any]]:
    bays = []
    for i in range(spec.bays):
        street = STREETS[i % len(STREETS)]
        lat, lon = _point(street, rng)
        length = float(rng.choice([12, 15, 18, 21, 24, 30]))
        bays.append({"id": f"B{i + 1:03d}", "street": street[0],
                     "lat": round(lat, 6), "lon": round(lon, 6), "length_m": length,
                     "capacity": max(1, min(3, int(length // 9))),
                     "open": _open_windows(street[0], rng, spec.market_day)})
    return bays


def _vehicle(rng: random.Random) -> tuple[bool, float, int]:
    """(zero emission, length, preferred start): clean vans may also come after 11:00."""
    if rng.random() < 0.45:
        length = rng.choices([2.5, 6.0, 10.0], [0.4, 0.5, 0.1])[0]
        slot = rng.choices([(420, 570), (570, 660), (660, 1040)], [0.5, 0.25, 0.25])[0]
        return True, length, rng.randint(*slot)
    length = rng.choices([6.5, 10.0, 12.0], [0.55, 0.3, 0.15])[0]
    slot = rng.choices([(420, 570), (570, 640)], [0.75, 0.25])[0]
    return False, length, rng.randint(*slot)


def make_request(i: int, rng: random.Random, bays: list[dict[str, Any]]) -> dict[str, Any]:
    clean, length, preferred = _vehicle(rng)
    duration = rng.choices([10, 15, 20, 30, 45], [0.15, 0.3, 0.3, 0.18, 0.07])[0]
    address = _point(rng.choice(STREETS), rng, jitter_m=30)
    near = sorted((_walk(address, (b["lat"], b["lon"])), b["id"]) for b in bays)
    options = [(w, b) for w, b in near if w <= 300][:5] or near[:1]
    return {
        "id": f"R{i + 1:05d}", "submitted_seq": 0,
        "weight": rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0],
        "duration": duration, "length_m": length, "zero_emission": clean,
        "earliest_start": max(360, preferred - rng.choice([15, 30, 60, 90])),
        "latest_end": min(1200, preferred + duration + rng.choice([30, 60, 120, 180])),
        "preferred_start": preferred,
        "options": [{"bay": b, "walk_m": w} for w, b in options],
        "organisation": rng.choice(ORGANISATIONS),
    }


def generate(preset: str = "leiden", seed: int = 1, *, bays: int | None = None,
             requests: int | None = None, market_day: bool = True,
             quotas: bool = False) -> dict[str, Any]:
    """One seeded day; with ``quotas`` each organisation gets ~half its requested kerb time."""
    nb, nr = PRESETS[preset]
    spec = Spec(bays or nb, requests or nr, seed, market_day, quotas)
    rng = random.Random(f"venster-{preset}-{seed}")
    bay_list = make_bays(spec, rng)
    reqs = [make_request(i, rng, bay_list) for i in range(spec.requests)]
    for seq, r in enumerate(rng.sample(reqs, len(reqs))):
        r["submitted_seq"] = seq
    day: dict[str, Any] = {"format": "venster-allocation/1",
           "name": f"venster-{preset}-s{seed}-b{spec.bays}-n{spec.requests}",
           "date": "2026-12-02", "bays": bay_list, "requests": reqs}
    if quotas:
        asked: dict[str, int] = {}
        for r in reqs:
            asked[r["organisation"]] = asked.get(r["organisation"], 0) + r["duration"]
        day["quotas"] = {org: minutes // 2 for org, minutes in sorted(asked.items())}
    return day


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=sorted(PRESETS), default="leiden")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bays", type=int)
    p.add_argument("--requests", type=int)
    p.add_argument("--no-market", action="store_true")
    p.add_argument("--quotas", action="store_true", help="add per-organisation kerb quotas")
    a = p.parse_args(argv)
    json.dump(generate(a.preset, a.seed, bays=a.bays, requests=a.requests,
                       market_day=not a.no_market, quotas=a.quotas), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
