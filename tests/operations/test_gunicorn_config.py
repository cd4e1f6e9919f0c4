"""The production server settings (config/gunicorn.py) keep a client's connection open
between its requests, as carriers' connection pools expect."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.workers import worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def receive(connection: socket.socket) -> bytes:
    chunk = connection.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection")
    return chunk


def read_response(connection: socket.socket) -> bytes:
    """One response's head and body, read by its Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += receive(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += receive(connection)
    return head


def test_one_connection_serves_several_requests(gunicorn_server):
    request = (f"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1:{gunicorn_server}\r\n"
               "Connection: keep-alive\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", gunicorn_server), timeout=10) as connection:
        heads = []
        for _ in range(3):
            connection.sendall(request)
            heads.append(read_response(connection))
    for head in heads:
        assert head.startswith((b"HTTP/1.1 200", b"HTTP/1.1 503")), head
        assert b"connection: close" not in head.lower()
