"""The production server settings (config/gunicorn.py) start gunicorn and serve the app."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from tests.workers import free_port, wait_for, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gunicorn_server():
    port = free_port()
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "WEB_CONCURRENCY": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    try:
        wait_for(listening, timeout=30)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_production_settings_serve_the_app(gunicorn_server):
    request = f"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1:{gunicorn_server}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", gunicorn_server), timeout=10) as connection:
        connection.sendall(request)
        response = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = response.partition(b"\r\n\r\n")
    # 503 until a Celery worker has reported in; either way the app answered
    assert head.startswith((b"HTTP/1.1 200", b"HTTP/1.1 503")), head
    assert json.loads(body)["checks"]["database"]["ok"] is True
