"""Run the hub-siting core on the OR-Library capacitated warehouse location instances
and compare with the published optima.

    python -m benchmarks.siting                       # all 49: small 2 s, large 60 s each
    python -m benchmarks.siting cap4* --time-limit 2
    python -m benchmarks.siting capa-* capb-8000 --seeds 3

Prints per instance and seed: the plan's value, the optimum, the gap to it, the proven
lower bound's gap, the time, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solvers.siting import SitingOptions, read_orlib, solve  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "siting"


def optima() -> dict[str, float]:
    with open(DATA / "optima.csv") as f:
        return {row["instance"]: float(row["optimal"]) for row in csv.DictReader(f)}


def load(name: str):
    base, _, capacity = name.partition("-")
    return read_orlib(DATA / f"{base}.txt", capacity=float(capacity) if capacity else None,
                      name=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", default=["*"])
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per instance (default: 2 small, 60 large)")
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    known = optima()
    names = [n for n in known if any(fnmatch.fnmatch(n, p) for p in args.patterns)]
    print(f"{'instance':12} {'seed':>4} {'value':>16} {'optimum':>16} {'gap %':>8} "
          f"{'bound gap %':>11} {'seconds':>8}")
    worst = 0.0
    for name in names:
        inst = load(name)
        large = inst.sites * inst.points > 2_500
        limit = args.time_limit or (60.0 if large else 2.0)
        for seed in range(args.seeds):
            started = time.monotonic()
            plan = solve(inst, SitingOptions(time_limit=limit, seed=seed))
            seconds = time.monotonic() - started
            if plan is None:
                print(f"{name:12} {seed:>4} no plan")
                continue
            gap = (plan.objective - known[name]) / known[name] * 100
            worst = max(worst, gap)
            print(f"{name:12} {seed:>4} {plan.objective:16.3f} {known[name]:16.3f} "
                  f"{gap:8.4f} {plan.gap * 100:11.4f} {seconds:8.2f}", flush=True)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"worst gap to the optimum: {worst:.4f}%; peak memory {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
