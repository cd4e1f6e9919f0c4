"""Run the routing core on the Solomon VRPTW instances and compare with the best known.

    python -m benchmarks.solomon --time-limit 30 --jobs 2
    python -m benchmarks.solomon R1* C101 --time-limit 5

Prints one line per instance (vehicles and distance against bks.csv, differences in %)
and totals; writes a text report (``--out``) and the routes as JSON lines (``--json``).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solvers.routing.solomon import load_solomon, solve_solomon  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "solomon"


def load_bks(path: Path = DATA / "bks.csv") -> dict[str, tuple[int, float]]:
    with path.open() as f:
        return {r["instance"]: (int(r["vehicles"]), float(r["distance"]))
                for r in csv.DictReader(f)}


def select(patterns: list[str]) -> list[Path]:
    files = sorted(DATA.glob("*.txt"), key=lambda p: _order(p.stem))
    if not patterns:
        return files
    return [f for f in files if any(fnmatch.fnmatch(f.stem.upper(), p.upper())
                                    for p in patterns)]


def _order(name: str) -> tuple[int, str]:
    group = "RC" if name.startswith("RC") else name[:1]
    return ({"C": 0, "R": 1, "RC": 2}.get(group, 9), name)


def run_one(args: tuple[str, float, int]) -> dict:
    path, time_limit, seed = args
    return solve_solomon(load_solomon(path), time_limit=time_limit, seed=seed)


def pct(a: float, b: float) -> float:
    return 100.0 * (a - b) / b if b else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instances", nargs="*", help="names or globs (default: all 56)")
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance")
    ap.add_argument("--jobs", type=int, default=1, help="instances solved in parallel")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the text report here")
    ap.add_argument("--json", type=Path, help="write one JSON result per line here")
    a = ap.parse_args(argv)

    files = select(a.instances)
    if not files:
        print("no instances match", file=sys.stderr)
        return 2
    bks = load_bks()
    lines: list[str] = []

    def emit(s: str) -> None:
        print(s, flush=True)
        lines.append(s)

    emit(f"Solomon VRPTW, {len(files)} instances, {a.time_limit:g} s per instance, "
         f"{a.jobs} job(s), seed {a.seed}")
    emit(f"{'instance':<8} {'veh':>4} {'bks':>4} {'dveh%':>7} {'distance':>10} "
         f"{'bks':>10} {'ddist%':>7} {'feasible':>8} {'sec':>6}")
    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    work = [(str(f), a.time_limit, a.seed) for f in files]
    results: list[dict] = []
    jf = a.json.open("w") if a.json else None
    try:
        if a.jobs > 1:
            with ProcessPoolExecutor(max_workers=a.jobs) as ex:
                it = ex.map(run_one, work)
                for r in it:
                    results.append(r)
                    _line(r, bks, emit)
                    if jf:
                        jf.write(json.dumps(r) + "\n")
                        jf.flush()
        else:
            for w in work:
                r = run_one(w)
                results.append(r)
                _line(r, bks, emit)
                if jf:
                    jf.write(json.dumps(r) + "\n")
                    jf.flush()
    finally:
        if jf:
            jf.close()
    wall = time.monotonic() - t0

    with_bks = [r for r in results if r["instance"] in bks]
    tv = sum(r["vehicles"] for r in with_bks)
    td = sum(r["distance"] for r in with_bks)
    bv = sum(bks[r["instance"]][0] for r in with_bks)
    bd = sum(bks[r["instance"]][1] for r in with_bks)
    infeasible = [r["instance"] for r in results if not r["feasible"]]
    at_bks_veh = sum(1 for r in with_bks if r["vehicles"] <= bks[r["instance"]][0])
    emit("")
    emit(f"total vehicles {tv} vs best known {bv} ({pct(tv, bv):+.2f}%), "
         f"{at_bks_veh}/{len(with_bks)} instances at the best-known vehicle count")
    emit(f"total distance {td:.2f} vs best known {bd:.2f} ({pct(td, bd):+.2f}%)")
    emit(f"infeasible: {len(infeasible)} {' '.join(infeasible)}")
    emit(f"mean seconds per instance {sum(r['seconds'] for r in results) / len(results):.1f}, "
         f"wall {wall:.0f} s, machine load average at start/end {load0:.1f}/"
         f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for group in ("C1", "C2", "R1", "R2", "RC1", "RC2"):
        g = [r for r in with_bks if r["instance"][:-2] == group]
        if g:
            gv = sum(r["vehicles"] for r in g)
            gd = sum(r["distance"] for r in g)
            emit(f"  {group:<3} vehicles {gv:>4} (bks {sum(bks[r['instance']][0] for r in g)})"
                 f"  distance {gd:>9.2f} (bks {sum(bks[r['instance']][1] for r in g):.2f})")
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text("\n".join(lines) + "\n")
    return 0 if not infeasible else 1


def _line(r: dict, bks: dict[str, tuple[int, float]], emit) -> None:
    bv, bd = bks.get(r["instance"], (0, 0.0))
    emit(f"{r['instance']:<8} {r['vehicles']:>4} {bv:>4} {pct(r['vehicles'], bv):>+7.1f} "
         f"{r['distance']:>10.2f} {bd:>10.2f} {pct(r['distance'], bd):>+7.2f} "
         f"{'yes' if r['feasible'] else 'NO':>8} {r['seconds']:>6.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
