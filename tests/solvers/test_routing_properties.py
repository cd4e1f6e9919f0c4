"""Property: every plan the core returns is feasible according to the checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers.routing import (
    WASTE_STREAMS,
    Problem,
    Site,
    SolveOptions,
    Stop,
    Vehicle,
    check_routes,
    solve,
)

coords = st.floats(min_value=-3000, max_value=3000, allow_nan=False)
streams = st.sampled_from(WASTE_STREAMS[:3])


@st.composite
def problems(draw):
    n = draw(st.integers(1, 6))
    stops = []
    for k in range(n):
        pickup = draw(st.dictionaries(streams, st.integers(1, 6), max_size=2))
        delivery = draw(st.dictionaries(st.just("goods"), st.integers(1, 4), max_size=1))
        a = draw(st.integers(0, 6000))
        b = a + draw(st.integers(300, 8000))
        stops.append(Stop(f"s{k}", x=draw(coords), y=draw(coords), pickup=pickup,
                          delivery=delivery, window=(a, b),
                          service_time=draw(st.integers(0, 600))))
    vehicles = []
    for k in range(draw(st.integers(1, 3))):
        cap = {d: draw(st.integers(2, 12)) for d in (*WASTE_STREAMS[:3], "goods")}
        start = draw(st.integers(0, 3000))
        allowed = None
        if draw(st.booleans()):
            allowed = frozenset(s.id for s in stops if draw(st.booleans()))
        vehicles.append(Vehicle(f"v{k}", "hub", cap, shift_start=start,
                                shift_end=start + draw(st.integers(2000, 12000)),
                                category=draw(st.sampled_from(["cargo_bike", "electric_van",
                                                               "truck"])),
                                allowed_stops=allowed, max_trips=draw(st.integers(1, 3))))
    sites = []
    if draw(st.booleans()):
        sites.append(Site("dump", x=draw(coords), y=draw(coords), service_time=120,
                          accepts=frozenset(WASTE_STREAMS[:2])))
    return Problem(stops, vehicles, [Site("hub", x=0.0, y=0.0)], disposal_sites=sites)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_returned_route_is_feasible_on_random_small_problems(problem):
    sol = solve(problem, SolveOptions(time_limit=0.3))
    assert sol.status in {"solved", "partial"}
    assert check_routes(problem, sol) == []
    served = [s for r in sol.routes for s in r.stop_ids]
    assert len(served) == len(set(served))
    assert set(served) | set(sol.unserved) == {s.id for s in problem.stops}
