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

    def __post_init__(self):
        self.open_to_all = bytearray(self.minutes)
        self.open_to_clean = bytearray(self.minutes)
        self.closed = bytearray(self.minutes)
        self.count = [0] * self.minutes
        self.length_cm = [0] * self.minutes

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
        for minute in self._span(start, end + self.limits.buffer_minutes):
            self.count[minute] += 1
            self.length_cm[minute] += length_cm

    def is_open_to(self, zero_emission: bool) -> bytearray:
        return self.open_to_clean if zero_emission else self.open_to_all

    def refusal(self, start: int, end: int, length_cm: int, zero_emission: bool):
        """The error that refuses this stay, or None where it fits."""
        if length_cm > self.limits.max_vehicle_cm:
            return errors.VehicleTooLong()
        if start < 0 or end > self.minutes:
            return errors.OutsideWindow()
        stay = range(start, end)
        if not all(self.open_to_clean[m] for m in stay):
            return errors.OutsideWindow()
        if not all(self.is_open_to(zero_emission)[m] for m in stay):
            return errors.ZeroEmissionOnly()
        if any(self.closed[m] for m in stay):
            return errors.BayClosed()
        if not self._has_room(self._span(start, end + self.limits.buffer_minutes), length_cm):
            return errors.BayFull()
        return None

    def _has_room(self, minutes: range, length_cm: int) -> bool:
        limits = self.limits
        return all(
            self.count[m] < limits.max_vehicles and self.length_cm[m] + length_cm <= limits.kerb_cm
            for m in minutes
        )

    def room_minutes(self, length_cm: int) -> bytearray:
        """1 where one more vehicle of this length fits the count and the kerb that minute."""
        limits = self.limits
        return bytearray(
            self.count[m] < limits.max_vehicles and self.length_cm[m] + length_cm <= limits.kerb_cm
            for m in range(self.minutes)
        )

    def usable_minutes(self, length_cm: int, zero_emission: bool,
                       room: bytearray | None = None) -> bytearray:
        """1 where a vehicle of this length may stand that minute (open, not closed, room)."""
        if length_cm > self.limits.max_vehicle_cm:
            return bytearray(self.minutes)
        room = self.room_minutes(length_cm) if room is None else room
        open_to, closed = self.is_open_to(zero_emission), self.closed
        return bytearray(
            open_to[m] and not closed[m] and room[m] for m in range(self.minutes)
        )

    def free_starts(
        self, duration: int, length_cm: int, zero_emission: bool, *, grid: int = 5,
        earliest: int = 0,
    ) -> list[int]:
        """Every start on the grid from which the whole stay (and its buffer) fits."""
        room = self.room_minutes(length_cm)
        open_run = _runs(self.usable_minutes(length_cm, zero_emission, room))
        buffer = self.limits.buffer_minutes
        room_run = _runs(room) if buffer else None
        first = max(0, earliest + (-earliest) % grid)
        return [
            start
            for start in range(first, self.minutes - duration + 1, grid)
            if open_run[start] >= duration
            and (buffer == 0 or _buffer_fits(room_run, start + duration, buffer, self.minutes))
        ]


def _runs(flags: bytearray) -> list[int]:
    """runs[m]: how many consecutive minutes from m onwards are flagged."""
    runs = [0] * (len(flags) + 1)
    for m in range(len(flags) - 1, -1, -1):
        runs[m] = runs[m + 1] + 1 if flags[m] else 0
    return runs


def _buffer_fits(room_run: list[int], after_end: int, buffer: int, minutes: int) -> bool:
    needed = min(buffer, minutes - after_end)
    return needed <= 0 or room_run[after_end] >= needed
