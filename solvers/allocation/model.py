"""Typed view of an allocation instance and a minute-level occupancy timeline.

The exchange format (``venster-allocation/1``) is plain JSON; solvers work on
the dataclasses here so that bays and requests are addressed by index and the
per-minute checks can be done with numpy instead of Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

DAY = 24 * 60
EPS = 1e-9
WEIGHT_VALUE = 10_000


@dataclass(frozen=True)
class Bay:
    """A kerbside loading bay; ``admits[ze]`` says per minute whether it is usable."""

    id: str
    length_m: float
    capacity: int
    admits: tuple[np.ndarray, np.ndarray]  # index 0: any vehicle, 1: zero-emission vehicle
    street: str = ""


@dataclass(frozen=True)
class Option:
    """One bay a request accepts, with its walking distance."""

    bay: int
    walk_m: float
    walk_cost: int


@dataclass(frozen=True)
class Request:
    """A delivery that wants ``duration`` minutes of kerb in ``[earliest_start, latest_end)``."""

    id: str
    index: int
    submitted_seq: int
    weight: int
    duration: int
    length_m: float
    zero_emission: bool
    earliest_start: int
    latest_end: int
    preferred_start: int
    options: tuple[Option, ...]
    organisation: str | None = None

    @property
    def last_start(self) -> int:
        """Latest start that still ends inside the request window and the day."""
        return min(self.latest_end, DAY) - self.duration

    @property
    def first_start(self) -> int:
        return max(self.earliest_start, 0)

    def value(self, walk_cost: int, start: int) -> int:
        """Objective contribution when served from ``start`` at a bay with ``walk_cost``."""
        return WEIGHT_VALUE * self.weight - abs(start - self.preferred_start) - walk_cost

    def option_for(self, bay: int) -> Option | None:
        return next((o for o in self.options if o.bay == bay), None)


@dataclass
class Instance:
    """A parsed instance; ``quotas`` maps organisation to kerb minutes allowed per day."""

    name: str
    bays: list[Bay]
    requests: list[Request]
    quotas: dict[str, int] = field(default_factory=dict)
    bay_index: dict[str, int] = field(default_factory=dict)
    request_index: dict[str, int] = field(default_factory=dict)
    _static: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Instance:
        """Parse the exchange-format dict; unknown option bays are dropped, not fatal."""
        bays = [_parse_bay(b) for b in data["bays"]]
        bay_index = {b.id: i for i, b in enumerate(bays)}
        requests = [_parse_request(i, r, bay_index) for i, r in enumerate(data["requests"])]
        quotas = {str(k): int(v) for k, v in (data.get("quotas") or {}).items()}
        return cls(
            name=data.get("name", ""),
            bays=bays,
            requests=requests,
            quotas=quotas,
            bay_index=bay_index,
            request_index={r.id: r.index for r in requests},
        )

    @property
    def durations(self) -> np.ndarray:
        """Duration per request, as an array for vectorised window tests."""
        if "durations" not in self._arrays:
            self._arrays["durations"] = np.array([r.duration for r in self.requests],
                                                 dtype=np.int64)
        return self._arrays["durations"]

    def static_starts(self, req: Request, bay: int) -> np.ndarray:
        """Starts allowed by window, opening hours and bay length, ignoring other vehicles.

        Cached: the greedy, the trivial bound and the LP all ask for the same table.
        """
        key = (req.index, bay)
        if key not in self._static:
            self._static[key] = self._compute_static(req, bay)
        return self._static[key]

    def _compute_static(self, req: Request, bay: int) -> np.ndarray:
        b = self.bays[bay]
        lo, hi = req.first_start, req.last_start
        if hi < lo or req.length_m > b.length_m + EPS:
            return np.empty(0, dtype=np.int64)
        ok = b.admits[int(req.zero_emission)][lo : hi + req.duration]
        return _window_starts(~ok, lo, req.duration)


def _window_starts(bad: np.ndarray, lo: int, duration: int) -> np.ndarray:
    n = len(bad) - duration + 1
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    cs = np.concatenate(([0], np.cumsum(bad, dtype=np.int64)))
    free = cs[duration : duration + n] == cs[:n]
    return np.flatnonzero(free) + lo


def _parse_bay(b: dict[str, Any]) -> Bay:
    anyone = np.zeros(DAY, dtype=bool)
    clean = np.zeros(DAY, dtype=bool)
    for o in b.get("open", []):
        s, e = max(0, int(o["start"])), min(DAY, int(o["end"]))
        if s < e:
            clean[s:e] = True
            if not o.get("zero_emission_only", False):
                anyone[s:e] = True
    return Bay(
        id=str(b["id"]),
        length_m=float(b["length_m"]),
        capacity=int(b["capacity"]),
        admits=(anyone, clean),
        street=str(b.get("street", "")),
    )


def _parse_request(index: int, r: dict[str, Any], bay_index: dict[str, int]) -> Request:
    options = tuple(
        Option(bay=bay_index[o["bay"]], walk_m=o["walk_m"], walk_cost=round(o["walk_m"] / 10))
        for o in r["options"]
        if o["bay"] in bay_index
    )
    return Request(
        id=str(r["id"]),
        index=index,
        submitted_seq=int(r.get("submitted_seq", index)),
        weight=int(r["weight"]),
        duration=int(r["duration"]),
        length_m=float(r["length_m"]),
        zero_emission=bool(r["zero_emission"]),
        earliest_start=int(r["earliest_start"]),
        latest_end=int(r["latest_end"]),
        preferred_start=int(r["preferred_start"]),
        options=options,
        organisation=r.get("organisation"),
    )


class Timeline:
    """Per-bay, per-minute vehicle count and parked kerb length.

    Kept as two dense numpy arrays (bays x minutes) so that "where does this
    vehicle still fit" is a vectorised sliding-window test, not a minute loop.
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.count = np.zeros((len(inst.bays), DAY), dtype=np.int32)
        self.length = np.zeros((len(inst.bays), DAY), dtype=np.float64)

    def park(self, req: Request, bay: int, start: int, sign: int = 1) -> None:
        end = start + req.duration
        self.count[bay, start:end] += sign
        self.length[bay, start:end] += sign * req.length_m

    def unpark(self, req: Request, bay: int, start: int) -> None:
        self.park(req, bay, start, sign=-1)

    def free_starts(self, req: Request, bay: int, lo: int | None = None,
                    hi: int | None = None) -> np.ndarray:
        """Starts in ``[lo, hi]`` (default: the request window) where ``req`` fits now."""
        b = self.inst.bays[bay]
        lo = req.first_start if lo is None else max(lo, req.first_start)
        hi = req.last_start if hi is None else min(hi, req.last_start)
        if hi < lo or req.length_m > b.length_m + EPS:
            return np.empty(0, dtype=np.int64)
        end = hi + req.duration
        bad = ~b.admits[int(req.zero_emission)][lo:end]
        bad |= self.count[bay, lo:end] >= b.capacity
        bad |= self.length[bay, lo:end] + req.length_m > b.length_m + EPS
        return _window_starts(bad, lo, req.duration)

    def fits(self, req: Request, bay: int, start: int) -> bool:
        starts = self.free_starts(req, bay, start, start)
        return len(starts) == 1 and start >= req.first_start
