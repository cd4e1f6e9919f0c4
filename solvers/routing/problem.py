"""Plain data types for the vehicle-routing core.

Units: time in seconds (integers, counted from any fixed origin such as the start of the
planning day), distances in metres (integers) unless a caller supplies its own matrix in
other units, amounts in whole units per dimension (litres, kilograms, crates, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DAY = 24 * 3600

#: Default travel speed in km/h per vehicle category (city traffic, including stops at lights).
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "cargo_bike": 15.0,
    "electric_van": 25.0,
    "van": 25.0,
    "truck": 20.0,
}

#: Waste and recycling streams used by the product; any other dimension name works as well.
WASTE_STREAMS = ("residual", "paper_cardboard", "glass", "organic", "plastics_cans")


@dataclass(frozen=True)
class Site:
    """A depot (hub) or a disposal/recycling site.

    Give either ``lat``/``lon`` (degrees) or ``x``/``y`` (metres in a local plane).
    ``accepts`` is only used for disposal sites: the dimensions a vehicle empties there
    (``None`` means every dimension that only carries pickups).
    """

    id: str
    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None
    window: tuple[int, int] = (0, DAY)
    service_time: int = 0
    accepts: frozenset[str] | None = None


@dataclass(frozen=True)
class Stop:
    """A shop (or any address) to visit once.

    ``pickup`` is what the vehicle collects there (per dimension), ``delivery`` what it
    brings from the depot. ``window`` is the interval in which service must start.
    """

    id: str
    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None
    pickup: Mapping[str, int] = field(default_factory=dict)
    delivery: Mapping[str, int] = field(default_factory=dict)
    window: tuple[int, int] = (0, DAY)
    service_time: int = 0
    #: inside a zero-emission zone: only vehicles with ``zero_emission`` may serve it
    zero_emission_only: bool = False


@dataclass(frozen=True)
class Vehicle:
    """A collector's vehicle. It starts and ends its shift at ``depot`` (a Site id).

    ``capacity`` is per dimension; a dimension missing here has capacity 0.
    ``allowed_stops``: if set, the vehicle may only visit these stop ids (for example
    zero-emission-zone rules decided by the caller). ``max_trips`` bounds the number of
    trips (so ``max_trips - 1`` visits to disposal sites).
    """

    id: str
    depot: str
    capacity: Mapping[str, int]
    shift_start: int = 0
    shift_end: int = DAY
    category: str = "van"
    zero_emission: bool = False
    allowed_stops: frozenset[str] | None = None
    max_trips: int = 4


@dataclass(frozen=True)
class Matrix:
    """A supplied distance (and optionally duration) matrix over location ids.

    ``ids`` must contain every depot, disposal site and stop id. ``duration`` is used for
    all vehicle categories when given; otherwise travel time is distance / category speed.
    """

    ids: list[str]
    distance: list[list[int]]
    duration: list[list[int]] | None = None


@dataclass
class Problem:
    stops: list[Stop]
    vehicles: list[Vehicle]
    depots: list[Site]
    disposal_sites: list[Site] = field(default_factory=list)
    matrix: Matrix | None = None
    detour_factor: float = 1.3
    speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))

    def dimensions(self) -> list[str]:
        names: set[str] = set()
        for s in self.stops:
            names.update(k for k, v in s.pickup.items() if v)
            names.update(k for k, v in s.delivery.items() if v)
        for v in self.vehicles:
            names.update(v.capacity)
        return sorted(names)


@dataclass(frozen=True)
class Visit:
    """One point of a route. ``kind`` is "depot", "stop" or "disposal".

    ``arrival`` is when the vehicle gets there, ``start`` when service starts (after any
    waiting), ``load`` what is on board per dimension after the service at this point
    (undelivered goods plus collected waste).
    """

    kind: str
    id: str
    arrival: int
    start: int
    departure: int
    load: dict[str, int]


@dataclass
class Route:
    vehicle_id: str
    visits: list[Visit]
    distance: int
    trips: int

    @property
    def stop_ids(self) -> list[str]:
        return [v.id for v in self.visits if v.kind == "stop"]


@dataclass
class Solution:
    """Result of :func:`solvers.routing.solve`.

    ``status``: "solved" (every stop served), "partial" (some stops unserved, see
    ``unserved`` which maps stop id to a reason) or "no_solution".
    """

    status: str
    routes: list[Route]
    unserved: dict[str, str]
    total_distance: int
    vehicles_used: int
    seconds: float
    log: list[str] = field(default_factory=list)
