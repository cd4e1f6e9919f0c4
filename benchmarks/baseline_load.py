"""The load benchmark's yardstick: the same load against a minimal app (benchmarks/baseline).

The minimal app books with a lock, a check and an insert and answers free starts
with one query: no authentication, rules, audit history, idempotency or outbox.
Served by the same gunicorn settings and driven by the same load generator, run
just before or after benchmarks/load.py, it tells what Venster adds per request
on the same machine at the same moment; a host's speed can vary too much between
runs for figures taken apart to compare.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/baseline_load.py

Makes (and drops first) a scratch database `venster_baseline`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    bench_day,
    machine_speed,
    print_machine_speed,
    print_phase,
    scratch_database_url,
    serve_and_measure,
)

LOCAL = ZoneInfo("Europe/Amsterdam")
BASELINE_DB = "venster_baseline"
BAYS = 60  # as many as the Leiden demo's centre zone, 1 to 3 vehicles each


def prepare(env) -> list[int]:
    subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "--noinput"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    import django

    django.setup()
    from benchmarks.baseline.models import Bay

    bays = Bay.objects.bulk_create(Bay(max_vehicles=1 + n % 3) for n in range(BAYS))
    return [bay.pk for bay in bays]


def free_starts_request(bays, day):
    def make(rng):
        return "GET", (f"/free/?bay={rng.choice(bays)}&date={day.isoformat()}"
                       f"&duration_minutes={rng.choice([15, 30, 45])}"), None
    return make


def stay_request(bays, day):
    def make(rng):
        minute = rng.randrange(7 * 60, 17 * 60 + 30, 5)
        start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=LOCAL)
        return "POST", "/book/", {"bay": rng.choice(bays), "start": start.isoformat(),
                                  "end": (start + dt.timedelta(minutes=15)).isoformat()}
    return make


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="requests in flight")
    parser.add_argument("--availability", type=int, default=4000, help="free-start queries")
    parser.add_argument("--bookings", type=int, default=3000, help="booking attempts")
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8392)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a scratch database is made there).")
    env = {**os.environ, "DATABASE_URL": scratch_database_url(base, BASELINE_DB),
           "DJANGO_SETTINGS_MODULE": "benchmarks.baseline.settings"}
    bays = prepare(env)
    day = bench_day()
    speed_before = machine_speed()
    _warm_writes, reads, writes = serve_and_measure(
        env, args, day, ["-"], functools.partial(free_starts_request, bays),
        functools.partial(stay_request, bays), wsgi_module="benchmarks.baseline.wsgi")
    print(f"Minimal app (yardstick): {args.clients} clients, gunicorn {args.workers} sync "
          f"workers, a connection per request, PostgreSQL, day {day}")
    print_phase(reads)
    print_phase(writes)
    print_machine_speed(speed_before)


if __name__ == "__main__":
    main()
