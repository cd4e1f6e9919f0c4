"""Load benchmark: carriers' planning systems hit the API at 06:00.

Serves Venster with gunicorn on PostgreSQL (loopback only), then runs a bounded
load — a fixed number of requests from a fixed number of concurrent clients —
of availability queries and of booking creations, and prints requests per
second, p50/p95/p99 latency and error counts for each. Afterwards it checks the
database: no bay over-filled at any minute, and every booking the clients were
told about stored exactly once, with nothing stored that nobody was told about.

By default gunicorn runs as config/gunicorn.py has it (sync workers, a connection
per request); --keep-alive measures gthread workers with each client keeping one
connection open, as an HTTP client's pool does.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/14 python benchmarks/load.py

The database named in DATABASE_URL is only used to create a scratch database
`venster_load` (dropped and made anew on every run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
LOAD_DB = "venster_load"


def scratch_database_url(base_url: str, name: str = LOAD_DB) -> str:
    parts = urlsplit(base_url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def setup_django(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_carriers(count: int) -> list[str]:
    """Carrier organisations with one API key each; returns the keys."""
    from api.services import api_key_create
    from organisations.models import Organisation

    keys = []
    for number in range(count):
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"load-carrier-{number}",
            defaults={"name": f"Load carrier {number}", "kind": Organisation.Kind.CARRIER},
        )
        keys.append(api_key_create(organisation=organisation, name="load")[1])
    return keys


def bench_day():
    day = dt.date.today() + dt.timedelta(days=3)
    return day + dt.timedelta(days=1) if day.weekday() == 6 else day


def start_server(env, port: int, workers: int, threads: int, keep_alive: bool,
                 wsgi_module: str = "config.wsgi"):
    """gunicorn as config/gunicorn.py runs it in production (sync workers that close every
    connection), or with gthread workers that keep connections open."""
    worker_class = (["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "60"]
                    if keep_alive else [])
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", wsgi_module,
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *worker_class,
               "--log-level", "warning", "--backlog", "256"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            # listening is enough: the warm-up waits for the workers, and no page is asked
            # for that would log an error (the home page needs collectstatic under DEBUG=false)
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


class LeanHTTPClient:
    """Just enough HTTP/1.1 for this benchmark. The load generator shares the CPU with the
    server, and a full client library spends more CPU per request than the app does on
    some of them. Without keep-alive it opens a connection per request, as gunicorn's
    sync workers serve them; with it, one connection serves all of a client's requests,
    as a carrier's HTTP client pool does."""

    def __init__(self, host: str, port: int, api_key: str, keep_alive: bool = False):
        self.address = (host, port)
        self.keep_alive = keep_alive
        self.head = (f"Host: {host}:{port}\r\nAuthorization: Api-Key {api_key}\r\n"
                     f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n")
        self.connection: socket.socket | None = None
        self.buffer = b""

    def request(self, method: str, path: str, body: dict | None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        message = head.encode() + b"\r\n" + payload
        # No retry on a broken connection: the server may have booked before it broke.
        return self._exchange(message) if self.keep_alive else self._exchange_once(message)

    def _exchange_once(self, message: bytes) -> tuple[int, bytes]:
        """On a connection of its own, read until the server closes it."""
        with socket.create_connection(self.address, timeout=30) as connection:
            connection.sendall(message)
            response = b"".join(iter(lambda: connection.recv(65536), b""))
        headers, _, content = response.partition(b"\r\n\r\n")
        if b"transfer-encoding: chunked" in headers.lower():
            content = _unchunk(content)
        return int(headers[9:12]), content

    def _exchange(self, message: bytes) -> tuple[int, bytes]:
        """On the client's open connection, read one response by its Content-Length."""
        if self.connection is None:
            self.connection = socket.create_connection(self.address, timeout=30)
            self.buffer = b""
        self.connection.sendall(message)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        headers, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", headers)
        if match is None:
            raise OSError("a keep-alive response needs a Content-Length")
        length = int(match.group(1))
        while len(self.buffer) < length:
            self._receive()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        if re.search(rb"(?i)\r\nconnection:\s*close", headers):
            self.close()
        return int(headers[9:12]), content

    def _receive(self):
        chunk = self.connection.recv(65536)
        if not chunk:
            raise OSError("connection closed")
        self.buffer += chunk

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _unchunk(content: bytes) -> bytes:
    out, rest = [], content
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


class Recorder:
    def __init__(self):
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.created: list[str] = []
        self.lock = threading.Lock()

    def record(self, seconds: float, status: int, reference: str | None = None):
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if reference:
                self.created.append(reference)


def process_tree_cpu_seconds(root_pid: int) -> float | None:
    """User + system CPU of a process and its children (Linux /proc), or None elsewhere."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()
        total = 0
        for pid in [str(root_pid), *children]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, ValueError, IndexError):
        return None


#: the answers a booking may rightly get: booked, or refused (bay full, or a rule says no)
BOOKING_ANSWERS = {201, 409, 422}


def run_phase(name, *, clients, per_client, make_request, base_url, keys, expected,
              server_pid, keep_alive) -> dict:
    recorder = Recorder()

    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port

    def client_loop(index):
        rng = random.Random(index)
        client = LeanHTTPClient(host, port, keys[index % len(keys)], keep_alive)
        for _ in range(per_client):
            method, url, body = make_request(rng)
            began = time.perf_counter()
            try:
                status, content = client.request(method, url, body)
                reference = json.loads(content).get("reference") if status == 201 else None
            except (OSError, ValueError):
                status, reference = 599, None
                client.close()
            recorder.record(time.perf_counter() - began, status, reference)
        client.close()

    server_cpu, client_cpu = process_tree_cpu_seconds(server_pid), time.process_time()
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client_loop, range(clients)))
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - client_cpu
    server_after = process_tree_cpu_seconds(server_pid)
    server_cpu = server_after - server_cpu if server_cpu is not None and server_after else None
    latencies = sorted(recorder.latencies)
    cuts = statistics.quantiles(latencies, n=100)
    errors = sum(n for status, n in recorder.statuses.items() if status not in expected)
    return {"phase": name, "requests": len(latencies), "seconds": wall,
            "rps": len(latencies) / wall, "p50": cuts[49] * 1000, "p95": cuts[94] * 1000,
            "p99": cuts[98] * 1000, "errors": errors, "statuses": dict(recorder.statuses),
            "created": recorder.created,
            "server_cpu_ms": None if server_cpu is None else 1000 * server_cpu / len(latencies),
            "client_cpu_ms": 1000 * client_cpu / len(latencies)}


def warm_up_day(day: dt.date) -> dt.date:
    """The warm-up books on the day after the measured one, so that it fills no bay the
    measured phases use."""
    return day + dt.timedelta(days=1)


def serve_and_measure(env, args, day, keys, reads_on, writes_on, *,
                      wsgi_module: str = "config.wsgi", keep_alive: bool = False,
                      threads: int = 1) -> tuple[dict, dict, dict]:
    """Start gunicorn, warm it up on the next day, measure reads then writes on `day`, stop
    it. Returns the warm-up's writes (for the database check), the reads and the writes."""
    server = start_server(env, args.port, args.workers, threads, keep_alive, wsgi_module)
    phase = functools.partial(run_phase, clients=args.clients,
                              base_url=f"http://127.0.0.1:{args.port}", keys=keys,
                              server_pid=server.pid, keep_alive=keep_alive)
    try:
        # Every worker imports its views, fills its caches and opens its connections on its
        # first requests; measure the steady state after that, on another day.
        warm_day = warm_up_day(day)
        phase("warm-up", per_client=args.warm_up, make_request=reads_on(warm_day),
              expected={200})
        warm_writes = phase("warm-up", per_client=args.warm_up,
                            make_request=writes_on(warm_day), expected=BOOKING_ANSWERS)
        reads = phase("availability", per_client=max(1, args.availability // args.clients),
                      make_request=reads_on(day), expected={200})
        writes = phase("bookings", per_client=max(1, args.bookings // args.clients),
                       make_request=writes_on(day), expected=BOOKING_ANSWERS)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return warm_writes, reads, writes


def availability_request(bays, day):
    def make(rng):
        query = (f"/api/v1/availability/?bay={rng.choice(bays)}&date={day.isoformat()}"
                 f"&duration_minutes={rng.choice([15, 30, 45])}&vehicle_length_m=5"
                 "&zero_emission=true")
        return "GET", query, None
    return make


def booking_request(bays, day):
    from places.localtime import LOCAL

    def make(rng):
        minute = rng.randrange(7 * 60, 17 * 60 + 30, 5)
        start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=LOCAL)
        end = start + dt.timedelta(minutes=15)
        return "POST", "/api/v1/bookings/", {
            "bay": rng.choice(bays), "start": start.isoformat(), "end": end.isoformat(),
            "vehicle_length_m": "4.5", "zero_emission": True,
        }
    return make


def check_database(created: list[str], days) -> dict:
    """Over-filled minutes, and bookings lost or duplicated against what clients were told."""
    from bookings.models import Booking
    from bookings.selectors import bay_days
    from places.models import LoadingBay

    bays = list(LoadingBay.objects.select_related("zone"))
    overfilled = 0
    for day in days:
        for bay_day in bay_days(bays, day).values():
            limits = bay_day.limits
            overfilled += sum(
                1 for m in range(bay_day.minutes)
                if bay_day.count[m] > limits.max_vehicles or bay_day.length_cm[m] > limits.kerb_cm
            )
    stored = list(Booking.objects.filter(organisation__slug__startswith="load-carrier-")
                  .values_list("reference", flat=True))
    told, kept = Counter(created), Counter(stored)
    return {
        "overfilled_minutes": overfilled,
        "lost": sum(1 for ref in told if ref not in kept),
        "duplicated": sum(n - 1 for n in told.values() if n > 1),
        "unreported": sum(1 for ref in kept if ref not in told),
        "stored": len(stored),
    }


def machine_speed() -> float:
    """CPU seconds for a fixed pure-Python loop: this host's speed varies between runs (and
    within one), so the figures are printed with it, taken before and after the phases."""
    began, total = time.process_time(), 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - began


def print_machine_speed(before: float) -> None:
    print(f"machine speed: a 10-million-step Python loop took {before:.2f} s of CPU "
          f"before the run and {machine_speed():.2f} s after it")


def print_phase(result):
    print(f"{result['phase']:<14} {result['requests']:>6} req {result['seconds']:>6.1f} s "
          f"{result['rps']:>7.1f} req/s  p50 {result['p50']:>6.1f} ms  p95 {result['p95']:>6.1f} ms"
          f"  p99 {result['p99']:>6.1f} ms  errors {result['errors']}  {result['statuses']}")
    server = result["server_cpu_ms"]
    print(f"{'':<14} CPU per request: server {'?' if server is None else f'{server:.2f}'} ms, "
          f"load generator {result['client_cpu_ms']:.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="requests in flight")
    parser.add_argument("--availability", type=int, default=4000, help="availability queries")
    parser.add_argument("--bookings", type=int, default=3000, help="booking attempts")
    parser.add_argument("--warm-up", type=int, default=20,
                        help="uncounted requests of each kind per client before measuring")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gthread worker (with --keep-alive)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="one connection per client for all its requests, served by "
                             "gthread workers (default: a connection per request, sync workers)")
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (a scratch database is made there).")
    env = {**os.environ, "DATABASE_URL": scratch_database_url(base), "DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "API_THROTTLE_RATE": "1000000/minute",
           "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "60"}
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    setup_django(env)
    keys = make_carriers(args.clients)
    from places.models import LoadingBay

    bays = list(LoadingBay.objects.filter(zone__slug="leiden-centrum").values_list("pk", flat=True))
    day = bench_day()
    speed_before = machine_speed()
    warm_bookings, reads, writes = serve_and_measure(
        env, args, day, keys, functools.partial(availability_request, bays),
        functools.partial(booking_request, bays), keep_alive=args.keep_alive,
        threads=args.threads)
    warm_day = warm_up_day(day)
    workers = (f"{args.workers} gthread workers x {args.threads} thread(s), keep-alive"
               if args.keep_alive else f"{args.workers} sync workers, a connection per request")
    print(f"Venster load benchmark: {args.clients} clients, gunicorn {workers}, "
          f"PostgreSQL, day {day}")
    print_phase(reads)
    print_phase(writes)
    print(f"(not counted: a warm-up of {args.warm_up} availability queries and "
          f"{args.warm_up} bookings per client on {warm_day})")
    print_machine_speed(speed_before)
    integrity = check_database(writes["created"] + warm_bookings["created"],
                               [day, warm_day])
    print("database:", integrity)
    ok = integrity["overfilled_minutes"] == 0 and not (
        integrity["lost"] or integrity["duplicated"] or integrity["unreported"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
