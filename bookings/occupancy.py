"""One bay on one local day, minute by minute: when it is open, closed and how full.

Plain data only (no database), so availability, the booking check, the portal
grid and the what-if replay all share one definition of "fits". Minutes count
real time from local midnight, so a day has 1380, 1440 or 1500 of them.
Lengths are whole centimetres, so sums never suffer float rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import errors


@dataclass(frozen=True)
class BayLimits:
    kerb_cm: int
    max_vehicles: int
    max_vehicle_cm: int
    buffer_minutes: int = 0


@dataclass
class BayDay:
    limits: BayLimits
    minutes: int
    open_to_all: bytearray = field(init=False)
    open_to_clean: bytearray = field(init=False)
    closed: bytearray = field(init=False)
    count: list[int] = field(init=False)
    length_cm: list[int] = field(init=False)
    _occupied: list[tuple[int, int]] = field(init=False, repr=False)

    def __post_init__(self):
        self.open_to_all = bytearray(self.minutes)
        self.open_to_clean = bytearray(self.minutes)
        self.closed = bytearray(self.minutes)
        self.count = [0] * self.minutes
        self.length_cm = [0] * self.minutes
        self._occupied = []

    def _span(self, start: int, end: int) -> range:
        return range(max(0, start), min(self.minutes, end))

    def add_window(self, start: int, end: int, zero_emission_only: bool) -> None:
        for minute in self._span(start, end):
            self.open_to_clean[minute] = 1
            if not zero_emission_only:
                self.open_to_all[minute] = 1

    def add_closure(self, start: int, end: int) -> None:
        for minute in self._span(start, end):
            self.closed[minute] = 1

    def add_booking(self, start: int, end: int, length_cm: int) -> None:
        """Occupy the kerb from start until the end plus the zone's buffer."""
        span = self._span(start, end + self.limits.buffer_minutes)
        if span:
            self._occupied.append((span.start, span.stop))
        for minute in span:
            self.count[minute] += 1
            self.length_cm[minute] += length_cm

    def is_open_to(self, zero_emission: bool) -> bytearray:
        return self.open_to_clean if zero_emission else self.open_to_all

    def refusal(self, start: int, end: int, length_cm: int, zero_emission: bool):
        """The error that refuses this stay, or None where it fits."""
        if length_cm > self.limits.max_vehicle_cm:
            return errors.VehicleTooLong()
        refused = self.rules_refusal(start, end, zero_emission)
        if refused is not None:
            return refused
        if not self._has_room(self._span(start, end + self.limits.buffer_minutes), length_cm):
            return errors.BayFull()
        return None

    def rules_refusal(self, start: int, end: int, zero_emission: bool):
        """The error of the windows and closures alone (not the room) that refuse this stay:
        also asked of a booking already standing, when the rules change under it."""
        if start < 0 or end > self.minutes:
            return errors.OutsideWindow()
        stay = range(start, end)
        if not all(self.open_to_clean[m] for m in stay):
            return errors.OutsideWindow()
        if not all(self.is_open_to(zero_emission)[m] for m in stay):
            return errors.ZeroEmissionOnly()
        if any(self.closed[m] for m in stay):
            return errors.BayClosed()
        return None

    def _has_room(self, minutes: range, length_cm: int) -> bool:
        limits = self.limits
        return all(
            self.count[m] < limits.max_vehicles and self.length_cm[m] + length_cm <= limits.kerb_cm
            for m in minutes
        )

    def room_minutes(self, length_cm: int) -> bytes:
        """1 where one more vehicle of this length fits the count and the kerb that minute.

        Only minutes that a booking occupies can differ from an empty kerb, so only
        those are looked at one by one.
        """
        limits = self.limits
        if length_cm > limits.kerb_cm or limits.max_vehicles < 1:
            return bytes(self.minutes)
        room = bytearray(ALL_OPEN * self.minutes)
        count, length, max_vehicles = self.count, self.length_cm, limits.max_vehicles
        room_left = limits.kerb_cm - length_cm
        for start, end in self._occupied:
            for m in range(start, end):
                if count[m] >= max_vehicles or length[m] > room_left:
                    room[m] = 0
        return bytes(room)

    def usable_minutes(self, length_cm: int, zero_emission: bool,
                       room: bytes | None = None) -> bytes:
        """1 where a vehicle of this length may stand that minute (open, not closed, room)."""
        if length_cm > self.limits.max_vehicle_cm:
            return bytes(self.minutes)
        room = self.room_minutes(length_cm) if room is None else room
        return _and(_and(self.is_open_to(zero_emission), _not(self.closed)), room)

    def free_starts(
        self, duration: int, length_cm: int, zero_emission: bool, *, grid: int = 5,
        earliest: int = 0,
    ) -> list[int]:
        """Every start on the grid from which the whole stay (and its buffer) fits."""
        room = self.room_minutes(length_cm)
        usable = self.usable_minutes(length_cm, zero_emission, room)
        buffer, minutes = self.limits.buffer_minutes, self.minutes
        first = max(0, earliest + (-earliest) % grid)
        return [
            start
            for start in range(first, minutes - duration + 1, grid)
            if 0 not in usable[start:start + duration]
            and (buffer == 0 or 0 not in room[start + duration:start + duration + buffer])
        ]

    def rules(self) -> tuple[bytes, bytes, bytes, BayLimits]:
        """What the limits, windows and closures made of the day, to cache and restore()."""
        return (bytes(self.open_to_all), bytes(self.open_to_clean), bytes(self.closed),
                self.limits)

    def restore(self, rules: tuple[bytes, bytes, bytes, BayLimits]) -> None:
        open_to_all, open_to_clean, closed, self.limits = rules
        self.open_to_all = bytearray(open_to_all)
        self.open_to_clean = bytearray(open_to_clean)
        self.closed = bytearray(closed)


ALL_OPEN = b"\x01"


def _and(left: bytes | bytearray, right: bytes | bytearray) -> bytes:
    """Minute by minute AND of two 0/1 arrays, as one integer operation."""
    size = len(left)
    return (int.from_bytes(left, "big") & int.from_bytes(right, "big")).to_bytes(size, "big")


def _not(flags: bytes | bytearray) -> bytes:
    size = len(flags)
    ones = int.from_bytes(ALL_OPEN * size, "big")
    return (int.from_bytes(flags, "big") ^ ones).to_bytes(size, "big")
