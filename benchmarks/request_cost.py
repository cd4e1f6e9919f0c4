"""What one API request costs: CPU milliseconds and database queries, in-process.

Runs availability queries and booking creations through Django's whole WSGI stack
(middleware, DRF, serializers, services) without a network or a server, so the figures
are the per-request work that bounds what the load benchmark can reach on a core.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/request_cost.py
    ... --profile availability   # also print the 25 most expensive functions
    ... --app minimal            # the same for the load benchmark's yardstick

Uses the same scratch database as benchmarks/load.py (made anew on every run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    availability_request,
    bench_day,
    booking_request,
    make_carriers,
    manage,
    scratch_database_url,
    setup_django,
)


def measure(name, make_request, keys, count, profile: bool) -> None:
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = get_wsgi_application()
    rng = random.Random(1)
    requests = [make_request(rng) for _ in range(count)]

    def send(index, request):
        """Call the WSGI application as gunicorn does, and return the status code."""
        method, url, body = request
        path, _, query = url.partition("?")
        payload = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Api-Key {keys[index % len(keys)]}",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        response = application(environ, lambda line, headers, exc=None: status.append(line))
        b"".join(response)
        response.close()
        return int(status[0].split()[0])

    for index, request in enumerate(requests[:20]):  # warm caches and connections
        send(index, request)
    statuses: dict[int, int] = {}
    # CPU time, as the figure it explains: a wall-clock profile counts the waits for
    # PostgreSQL and Redis too
    profiler = cProfile.Profile(time.process_time) if profile else None
    with CaptureQueriesContext(connection) as queries:
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for index, request in enumerate(requests):
            status = send(index, request)
            statuses[status] = statuses.get(status, 0) + 1
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{name:<14} {count} requests  {1000 * cpu / count:6.2f} ms CPU  "
          f"{1000 * wall / count:6.2f} ms wall  {len(queries) / count:5.2f} queries each  "
          f"statuses {statuses}")
    if profiler:
        out = io.StringIO()
        order = os.environ.get("PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--profile", choices=["availability", "bookings"])
    parser.add_argument("--only", choices=["availability", "bookings"],
                        help="measure one kind of request (say, to count instructions under "
                             "valgrind --tool=callgrind, which repeats where CPU time does not)")
    parser.add_argument("--app", choices=["venster", "minimal"], default="venster",
                        help="minimal: the load benchmark's yardstick (benchmarks/baseline), "
                             "driven the same way")
    parser.add_argument("--reuse", action="store_true",
                        help="keep Venster's scratch database of the previous run")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a scratch database is made there).")
    prepare = prepare_minimal if args.app == "minimal" else prepare_venster
    keys, request_kinds = prepare(base, args.reuse, bench_day())
    for name, make_request in request_kinds:
        if args.only in (None, name):
            measure(name, make_request, keys, args.count, args.profile == name)


def prepare_venster(base: str, reuse: bool, day):
    """The Leiden demo in a scratch database; API keys and both kinds of request."""
    url = base.rsplit("/", 1)[0] + "/venster_load" if reuse else scratch_database_url(base)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "testserver",
           "SECURE_SSL_REDIRECT": "false",
           "API_THROTTLE_RATE": "1000000/minute", "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "60"}
    if not reuse:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
    setup_django(env)
    keys = make_carriers(12)
    from places.models import LoadingBay

    bays = list(LoadingBay.objects.filter(zone__slug="leiden-centrum").values_list("pk", flat=True))
    return keys, [("availability", availability_request(bays, day)),
                  ("bookings", booking_request(bays, day))]


def prepare_minimal(base: str, _reuse: bool, day):
    """The minimal app's bays in its own scratch database, as baseline_load.py makes them."""
    from benchmarks.baseline_load import BASELINE_DB, free_starts_request, prepare, stay_request

    bays = prepare({**os.environ, "DATABASE_URL": scratch_database_url(base, BASELINE_DB),
                    "DJANGO_SETTINGS_MODULE": "benchmarks.baseline.settings"})
    return ["-"], [("availability", free_starts_request(bays, day)),
                   ("bookings", stay_request(bays, day))]


if __name__ == "__main__":
    main()
