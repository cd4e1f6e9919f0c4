"""The bundling report: what bundling saved on a planned day, the number municipalities ask for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import PlannedRoute, PlanningRun, RouteStop


@dataclass(frozen=True)
class BundlingReport:
    """Vehicle trips into the zone and vehicle-kilometres, planned vs unbundled.

    The unbundled baseline collects each shop's each stream (and delivers each
    recipient's goods) by its own trip from the depot and back. A planned route
    that empties at a disposal site k times makes k + 1 trips.
    """

    day: dt.date
    vehicles: int
    stops: int
    trips: int
    km: float
    baseline_trips: int
    baseline_km: float

    @property
    def trips_saved_pct(self) -> float:
        return _saved(self.trips, self.baseline_trips)

    @property
    def km_saved_pct(self) -> float:
        return _saved(self.km, self.baseline_km)


def _saved(planned: float, baseline: float) -> float:
    return round(100 * (baseline - planned) / baseline, 1) if baseline else 0.0


def bundling_report(*, day: dt.date, collector=None) -> BundlingReport:
    """Report over the applied runs of a day (of one collector, or of all)."""
    routes = PlannedRoute.objects.filter(run__day=day, run__status=PlanningRun.Status.APPLIED)
    if collector is not None:
        routes = routes.filter(run__collector=collector)
    routes = list(routes)
    stops = RouteStop.objects.filter(
        route__in=routes, kind__in=[RouteStop.Kind.PICKUP, RouteStop.Kind.DELIVERY]
    ).select_related("pickup", "chain")
    baseline: dict[tuple, int] = {}
    count = 0
    for stop in stops:
        count += 1
        if stop.pickup_id:
            key = ("pickup", stop.pickup.organisation_id, stop.pickup.stream)
        else:
            key = ("delivery", stop.chain.recipient_id or f"chain-{stop.chain_id}")
        # One trip per shop and stream: the farthest of its stops stands for it.
        baseline[key] = max(baseline.get(key, 0), stop.depot_round_trip_m)
    return BundlingReport(
        day=day,
        vehicles=len(routes),
        stops=count,
        trips=sum(route.trips for route in routes),
        km=round(sum(route.distance_m for route in routes) / 1000, 3),
        baseline_trips=len(baseline),
        baseline_km=round(sum(baseline.values()) / 1000, 3),
    )
