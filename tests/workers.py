"""A real Celery worker in a child process, for tests where workers matter.

The worker gets the test database (not the development one) and the same
broker as the test process: kombu's filesystem transport on the embedded
defaults, Redis when REDIS_URL is set. Tests that use it must commit their data
(django_db(transaction=True)) so that the worker can see it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app

READY_TIMEOUT_S = 60


def worker_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def purge_queues() -> None:
    """Drop messages a previous run left behind, so the worker sees only ours."""
    with app.connection_for_write() as conn:
        for queue in ("celery", "solver"):
            with contextlib.suppress(Exception):
                conn.default_channel.queue_purge(queue)


@contextlib.contextmanager
def celery_worker(*, queues: str = "celery,solver", concurrency: int = 1, extra_env=None):
    """Start `celery worker`, wait until it is ready, yield the process, then stop it."""
    purge_queues()
    env = {**os.environ, "DATABASE_URL": worker_database_url(), **(extra_env or {})}
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - outlives this block, closed below
        "w+", prefix="celery-worker-", suffix=".log", delete=False
    )
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=info",
        f"--concurrency={concurrency}", "-Q", queues, "--without-gossip", "--without-mingle",
        "--without-heartbeat", f"--hostname=test-{os.getpid()}@%h",
    ]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               cwd=settings.BASE_DIR, start_new_session=True)
    try:
        _wait_ready(process, Path(log.name))
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _wait_ready(process, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{log_path.read_text()}")
        if " ready." in log_path.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"Celery worker not ready in {READY_TIMEOUT_S}s:\n{log_path.read_text()}")


def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@contextlib.contextmanager
def broker_unreachable():
    """Point this process's Celery app at a Redis broker on a closed loopback port.

    The app caches its connection and producer pools, which kombu keeps per broker URL;
    the app's references are dropped on the way in and out (the pools stay open in
    kombu's registry) so that every publish in between really tries the closed port, and
    the ones after it use the real broker again.
    """
    saved = app.conf.broker_url

    def drop_pools():
        app._pool = None
        app.amqp._producer_pool = None

    drop_pools()
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        yield app.conf.broker_url
    finally:
        drop_pools()
        app.conf.broker_url = saved
