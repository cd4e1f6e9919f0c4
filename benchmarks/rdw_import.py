"""Import a generated RDW export of N vehicles (default 1,000,000); print time and peak memory.

    python benchmarks/rdw_import.py --vehicles 1000000

Writes both files (vehicles and fuels, in the published column layout) to a
temporary folder, loads them with the importer into the configured database
(SQLite by default, DATABASE_URL for PostgreSQL) inside a throw-away database
of its own, and prints rows a second, the Python heap's peak (tracemalloc) and the
process's peak resident size.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace the Python heap's peak (about three times slower)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from access import rdw
    from access.models import RegisteredVehicle
    from access.rdw_sample import write_exports

    with tempfile.TemporaryDirectory() as folder:
        vehicles, fuels = Path(folder, "voertuigen.csv"), Path(folder, "brandstof.csv")
        started = time.perf_counter()
        with open(vehicles, "w", newline="") as v, open(fuels, "w", newline="") as f:
            write_exports(v, f, args.vehicles)
        written = time.perf_counter() - started
        size_mb = (vehicles.stat().st_size + fuels.stat().st_size) / 2**20
        # A database of its own, beside no test run's: a file in the temporary folder.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = (str(Path(folder, "benchmark.sqlite3")) if connection.vendor == "sqlite"
                        else f"test_{connection.settings_dict['NAME']}_rdw_benchmark")
        old = setup_databases(verbosity=0, interactive=False)
        try:
            batch = {"batch_size": args.batch_size} if args.batch_size else {}
            if args.tracemalloc:
                tracemalloc.start()
            started = time.perf_counter()
            with rdw.open_csv(vehicles) as stream:
                loaded = rdw.import_vehicles(stream, **batch).vehicles
            with rdw.open_csv(fuels) as stream:
                rdw.import_fuels(stream, **batch)
            took = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
            tracemalloc.stop()
            stored = RegisteredVehicle.objects.count()
            classes = RegisteredVehicle.objects.exclude(emission_class=None).count()
        finally:
            teardown_databases(old, verbosity=0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database       {connection.vendor}")
    print(f"vehicles       {args.vehicles:,} ({size_mb:.0f} MB of CSV, written in {written:.1f} s)")
    print(f"loaded         {loaded:,} vehicles, {stored:,} stored, {classes:,} with a class")
    print(f"import time    {took:.1f} s ({args.vehicles / took:,.0f} vehicles/s, both files)")
    if peak is not None:
        print(f"python peak    {peak / 2**20:.1f} MB (tracemalloc, during the import)")
    print(f"process peak   {rss_mb:.0f} MB (max RSS)")


if __name__ == "__main__":
    main()
