"""Benchmark the batch slot allocator against FCFS and its own LP bound.

    python benchmarks/allocation.py day1.json day2.json --time-limit 30
    python benchmarks/allocation.py --preset leiden --seeds 1 2 3 --time-limit 30 \\
        --bound-time-limit 60

Prints one row per instance (rss_mb is the process's peak resident size so
far, so run a big instance on its own to read its footprint) and writes each
plan to benchmarks/out/ (git-ignored) in the exchange format, with the LP bound
filled in, for an external checker.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solvers.allocation import check, fcfs, lp_bound, solve  # noqa: E402
from solvers.allocation.generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
COLUMNS = ["instance", "requests", "served", "objective", "fcfs", "vs_fcfs", "bound", "gap",
           "plan_s", "bound_s", "py_peak_mb", "rss_mb", "feasible"]


def instances(args) -> list[tuple[str, dict]]:
    """Instance files first, then generated presets."""
    out = []
    for path in args.instances:
        with open(path) as f:
            out.append((Path(path).stem, json.load(f)))
    for preset in args.preset or []:
        for seed in args.seeds:
            out.append((f"{preset}-s{seed}", generate(preset, seed)))
    return out


def run_one(label: str, inst: dict, args) -> dict:
    """Solve, bound and check one instance; memory measured around the solve."""
    base = check(inst, fcfs(inst)).objective
    if args.tracemalloc:  # exact Python-heap peak, but slows the search itself
        tracemalloc.start()
    t0 = time.monotonic()
    sol = solve(inst, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    plan_s = time.monotonic() - t0
    py_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    tracemalloc.stop()
    t0 = time.monotonic()
    bound = sol["bound"]
    if args.bound_time_limit > 0:
        bound = min(bound, int(lp_bound(inst, time_limit=args.bound_time_limit)))
    bound_s = time.monotonic() - t0
    sol["bound"] = bound
    sol["status"] = "OPTIMAL" if sol["objective"] >= bound else "FEASIBLE"
    report = check(inst, sol)
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"{label}.json", "w") as f:
        json.dump(sol, f)
    return {"instance": label, "requests": len(inst["requests"]), "served": report.served,
            "objective": report.objective, "fcfs": base,
            "vs_fcfs": f"{report.objective / base:.4f}" if base else "-",
            "bound": bound, "gap": f"{(bound - report.objective) / bound:.2%}" if bound else "-",
            "plan_s": f"{plan_s:.1f}", "bound_s": f"{bound_s:.1f}",
            "py_peak_mb": "-" if py_peak is None else f"{py_peak / 2**20:.0f}",
            "rss_mb": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}",
            "feasible": report.feasible}


def print_table(rows: list[dict]) -> None:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    print("  ".join(c.rjust(widths[c]) for c in COLUMNS))
    for r in rows:
        print("  ".join(str(r[c]).rjust(widths[c]) for c in COLUMNS), flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("instances", nargs="*", help="instance JSON files")
    p.add_argument("--preset", nargs="*", choices=["small", "leiden", "city"])
    p.add_argument("--seeds", nargs="*", type=int, default=[1])
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--bound-time-limit", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0, help="solver random seed")
    p.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap peak")
    args = p.parse_args(argv)
    rows = []
    for label, inst in instances(args):
        rows.append(run_one(label, inst, args))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if rows:
        print_table(rows)
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
