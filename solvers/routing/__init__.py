"""Vehicle-routing core for bundled pickups and last-mile deliveries (no Django).

Public API::

    from solvers.routing import Problem, Stop, Vehicle, Site, Matrix, SolveOptions
    from solvers.routing import solve, check_routes, bundling_report
"""

from .bundling import BundlingReport, bundling_report
from .check import check_routes
from .distances import haversine_m
from .problem import (
    DEFAULT_SPEEDS_KMH,
    WASTE_STREAMS,
    Matrix,
    Problem,
    Route,
    Site,
    Solution,
    Stop,
    Vehicle,
    Visit,
)
from .solver import SolveOptions, solve

__all__ = [
    "DEFAULT_SPEEDS_KMH",
    "WASTE_STREAMS",
    "BundlingReport",
    "Matrix",
    "Problem",
    "Route",
    "Site",
    "Solution",
    "SolveOptions",
    "Stop",
    "Vehicle",
    "Visit",
    "bundling_report",
    "check_routes",
    "haversine_m",
    "solve",
]
