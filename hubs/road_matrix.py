"""A road distance and duration matrix from an OSRM server, for the routing core.

The core itself does no input/output: it takes the matrix as ``Problem.matrix``.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from solvers.routing import Matrix


def fetch_osrm_matrix(
    base_url: str,
    points: Sequence[tuple[str, float, float]],
    *,
    profile: str = "driving",
    timeout: float = 30.0,
    client: httpx.Client | None = None,
) -> Matrix:
    """Fetch a road distance/duration matrix from an OSRM server.

    ``points`` are ``(id, lat, lon)``. Calls ``{base_url}/table/v1/{profile}/lon,lat;...``
    with ``annotations=distance,duration``; returns a :class:`Matrix` in metres/seconds
    (rounded; unreachable pairs raise ``ValueError``).
    """
    if not points:
        return Matrix(ids=[], distance=[], duration=[])
    coords = ";".join(f"{lon:.6f},{lat:.6f}" for _, lat, lon in points)
    url = f"{base_url.rstrip('/')}/table/v1/{profile}/{coords}"
    params = {"annotations": "distance,duration"}
    own = client is None
    c = client or httpx.Client(timeout=timeout)
    try:
        resp = c.get(url, params=params)
        resp.raise_for_status()
        data = resp.json()
    finally:
        if own:
            c.close()
    if data.get("code") != "Ok":
        raise ValueError(f"OSRM answered {data.get('code')!r}: {data.get('message', '')}")
    n = len(points)

    def grid(key: str) -> list[list[int]]:
        rows = data.get(key)
        if rows is None or len(rows) != n or any(len(r) != n for r in rows):
            raise ValueError(f"OSRM answer has no {n}x{n} {key!r} table")
        if any(v is None for r in rows for v in r):
            raise ValueError("OSRM reports unreachable pairs")
        return [[round(v) for v in r] for r in rows]

    return Matrix(ids=[p[0] for p in points], distance=grid("distances"),
                  duration=grid("durations"))
