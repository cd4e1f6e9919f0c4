"""OSRM table fetch against a small fake server on the loopback interface."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from hubs.road_matrix import fetch_osrm_matrix
from solvers.routing import (
    Matrix,
    Problem,
    Site,
    SolveOptions,
    Stop,
    Vehicle,
    solve,
)


@contextmanager
def fake_osrm(answer):
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            body = json.dumps(answer(self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


POINTS = [("hub", 52.1601, 4.4970), ("shop", 52.1290, 4.6570), ("gouda", 52.0116, 4.7105)]


def table(path):
    n = len(urlsplit(path).path.rsplit("/", 1)[-1].split(";"))
    dist = [[0.0 if i == j else 1000.4 * (i + j) for j in range(n)] for i in range(n)]
    dur = [[0.0 if i == j else 90.6 * (i + j) for j in range(n)] for i in range(n)]
    return {"code": "Ok", "distances": dist, "durations": dur}


def test_the_osrm_table_is_fetched_in_lon_lat_order_and_rounded():
    with fake_osrm(table) as (url, seen):
        m = fetch_osrm_matrix(url, POINTS)
    (path,) = seen
    parsed = urlsplit(path)
    assert parsed.path == ("/table/v1/driving/4.497000,52.160100;4.657000,52.129000;"
                           "4.710500,52.011600")
    assert parse_qs(parsed.query)["annotations"] == ["distance,duration"]
    assert m.ids == ["hub", "shop", "gouda"]
    assert m.distance[0][1] == 1000 and m.distance[1][2] == 3001
    assert m.duration[2][0] == 181


def test_a_fetched_matrix_drives_the_solver():
    with fake_osrm(table) as (url, _):
        m = fetch_osrm_matrix(url, POINTS)
    problem = Problem(
        [Stop("shop", lat=52.129, lon=4.657, pickup={"glass": 1}),
         Stop("gouda", lat=52.0116, lon=4.7105, pickup={"glass": 1})],
        [Vehicle("truck", "hub", {"glass": 5}, category="truck")],
        [Site("hub", lat=52.1601, lon=4.4970)], matrix=Matrix(m.ids, m.distance, m.duration))
    sol = solve(problem, SolveOptions(time_limit=0.3))
    assert sol.status == "solved"
    assert sol.total_distance == 1000 + 3001 + 2001


def test_an_osrm_error_or_unreachable_pair_raises():
    with fake_osrm(lambda p: {"code": "InvalidQuery", "message": "bad"}) as (url, _), \
            pytest.raises(ValueError, match="InvalidQuery"):
        fetch_osrm_matrix(url, POINTS)

    def unreachable(path):
        t = table(path)
        t["distances"][0][1] = None
        return t

    with fake_osrm(unreachable) as (url, _), pytest.raises(ValueError, match="unreachable"):
        fetch_osrm_matrix(url, POINTS)
