"""What-if: replay past bookings and requests against proposed windows and closures.

For the last weeks of a zone, every booking made directly and every request
is replayed, first come first served, on bays whose days are built from the
proposed rules (`bookings.occupancy.BayDay`, the same "fits" as the booking
service). Each one is then

- kept: it still fits where and when it stood;
- moved: it no longer fits there, but does on one of its bays within its
  window (a request's own window; a booking may move an hour either way, to
  its own bay or another bay of the zone);
- refused: it fits nowhere within its window;
- newly possible: a request that was refused and would now fit.

`replay_day` is the plain core (no database); `replay` loads rows and counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bookings.models import Booking, BookingRequest
from bookings.occupancy import BayDay
from bookings.selectors import bay_limits, closure_minutes, to_cm
from places import localtime
from places.models import Closure, LoadingBay, Zone
from places.selectors import vehicle_limits_in_force, windows_in_force_by_owner

from .services import WindowSpec

MOVE_MINUTES = 60
GRID = 5
KEPT, MOVED, REFUSED, NEWLY_POSSIBLE, STILL_REFUSED = (
    "kept", "moved", "refused", "newly_possible", "still_refused")
OUTCOMES = [KEPT, MOVED, REFUSED, NEWLY_POSSIBLE]


@dataclass(frozen=True)
class Stay:
    """One booking or request to replay, in minutes of its local day."""

    key: str
    organisation: str
    duration: int
    length_cm: int
    zero_emission: bool
    earliest: int
    latest: int
    bay_ids: tuple[int, ...]
    bay_id: int | None = None  # where it stood; None for a refused request
    start: int | None = None


@dataclass(frozen=True)
class Outcome:
    stay: Stay
    result: str
    bay_id: int | None
    start: int | None


def replay_day(days: dict[int, BayDay], stays: list[Stay]) -> list[Outcome]:
    """Place the stays in order on the (proposed) bay days; say what became of each."""
    outcomes = []
    for stay in stays:
        if stay.bay_id is not None and stay.bay_id in days:
            end = stay.start + stay.duration
            if days[stay.bay_id].refusal(stay.start, end, stay.length_cm,
                                         stay.zero_emission) is None:
                days[stay.bay_id].add_booking(stay.start, end, stay.length_cm)
                outcomes.append(Outcome(stay, KEPT, stay.bay_id, stay.start))
                continue
        place = _best_place(days, stay)
        if place is None:
            result = REFUSED if stay.bay_id is not None else STILL_REFUSED
            outcomes.append(Outcome(stay, result, stay.bay_id, None))
            continue
        bay_id, start = place
        days[bay_id].add_booking(start, start + stay.duration, stay.length_cm)
        result = MOVED if stay.bay_id is not None else NEWLY_POSSIBLE
        outcomes.append(Outcome(stay, result, bay_id, start))
    return outcomes


def _best_place(days: dict[int, BayDay], stay: Stay) -> tuple[int, int] | None:
    """The free start nearest the wish (its own bay first on a tie) within the stay's window."""
    wish = stay.start if stay.start is not None else stay.earliest
    best = None
    for rank, bay_id in enumerate(stay.bay_ids):
        if bay_id not in days:
            continue
        starts = days[bay_id].free_starts(stay.duration, stay.length_cm, stay.zero_emission,
                                          grid=GRID, earliest=max(0, stay.earliest))
        for start in starts:
            if start + stay.duration > stay.latest:
                break
            candidate = (abs(start - wish), rank, bay_id, start)
            if best is None or candidate < best:
                best = candidate
    return (best[2], best[3]) if best else None


# --- Loading rows and counting ---------------------------------------------------------------


@dataclass
class Report:
    start_day: dt.date
    end_day: dt.date
    totals: Counter = field(default_factory=Counter)
    per_bay: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    per_carrier: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    outcomes: list[Outcome] = field(default_factory=list)

    def rows(self, table: dict[str, Counter]) -> list[tuple[str, list[int]]]:
        return [(name, [table[name][o] for o in OUTCOMES]) for name in sorted(table)]


def replay(
    *,
    zone: Zone,
    weeks: int,
    today: dt.date,
    zone_windows: list[WindowSpec] | None = None,
    bay_windows: dict[int, list[WindowSpec]] | None = None,
    closures: list[Closure] = (),
) -> Report:
    """Replay the zone's last `weeks` weeks (up to yesterday) against the proposed rules.

    `zone_windows` replaces the zone's windows, `bay_windows` a bay's own
    windows; the closures are added to those already recorded.
    """
    bays = list(LoadingBay.objects.filter(zone=zone).select_related("zone").order_by("code"))
    codes = {bay.pk: bay.code for bay in bays}
    start_day, end_day = today - dt.timedelta(weeks=weeks), today - dt.timedelta(days=1)
    report = Report(start_day, end_day)
    bay_windows = bay_windows or {}
    proposal = (zone_windows, bay_windows, _proposed(zone_windows, bay_windows))
    stays_by_day = _stays(zone, bays, start_day, end_day)
    day = start_day
    while day <= end_day:
        days = _bay_days(bays, day, _windows_on(bays, day, proposal), list(closures))
        for outcome in replay_day(days, stays_by_day.get(day, [])):
            _count(report, outcome, codes)
        day += dt.timedelta(days=1)
    return report


def _count(report: Report, outcome: Outcome, codes: dict[int, str]) -> None:
    if outcome.result == STILL_REFUSED:
        return
    report.outcomes.append(outcome)
    report.totals[outcome.result] += 1
    # A kept, moved or refused stay counts at the bay it stood on; a new one where it would go.
    bay_id = outcome.stay.bay_id if outcome.stay.bay_id is not None else outcome.bay_id
    report.per_bay[codes.get(bay_id, "–")][outcome.result] += 1
    report.per_carrier[outcome.stay.organisation][outcome.result] += 1


def _proposed(zone_windows, bay_windows):
    """{("zone", weekday) or (bay_id, weekday): [WindowSpec]} of the proposal only."""
    result = defaultdict(list)
    for spec in zone_windows or []:
        result["zone", spec.weekday].append(spec)
    for bay_id, specs in bay_windows.items():
        for spec in specs:
            result[bay_id, spec.weekday].append(spec)
    return result


def _windows_on(bays, day, proposal) -> dict[int, list[WindowSpec]]:
    """Each bay's windows on `day`: the version in force then, with the proposal in place
    of the zone's windows or of a bay's own."""
    zone_windows, bay_windows, proposed = proposal
    by_bay, by_zone = windows_in_force_by_owner(bays, day)
    weekday = day.weekday()
    result = {}
    for bay in bays:
        own = [WindowSpec.of(w) for w in by_bay.get(bay.pk, [])]
        zone = [WindowSpec.of(w) for w in by_zone.get(bay.zone_id, [])]
        if bay.pk in bay_windows:
            own = proposed.get((bay.pk, weekday), [])
        if zone_windows is not None:
            zone = proposed.get(("zone", weekday), [])
        result[bay.pk] = own or zone
    return result


def _bay_days(bays, day, windows, proposed_closures) -> dict[int, BayDay]:
    minutes = localtime.day_minutes(day)
    days = {}
    recorded = Closure.objects.filter(start_date__lte=day, end_date__gte=day).filter(
        zone__in={b.zone_id for b in bays}) | Closure.objects.filter(
        start_date__lte=day, end_date__gte=day, bay__in=bays)
    closures = [c for c in [*recorded, *proposed_closures] if c.applies_on(day)]
    vehicle_limits = vehicle_limits_in_force(bays, day)
    for bay in bays:
        bay_day = BayDay(bay_limits(bay, vehicle_limits[bay.pk].max_length_m), minutes)
        for spec in windows[bay.pk]:
            bay_day.add_window(localtime.wall_minute(day, spec.start),
                               localtime.wall_minute(day, spec.end), spec.zero_emission_only)
        for closure in closures:
            if closure.bay_id == bay.pk or (closure.zone_id and closure.zone_id == bay.zone_id):
                bay_day.add_closure(*closure_minutes(closure, day))
        if bay.is_active:
            days[bay.pk] = bay_day
    return days


def _stays(zone, bays, start_day, end_day) -> dict[dt.date, list[Stay]]:
    """Direct bookings and requests of the period, per day, in the order they came in."""
    active = tuple(b.pk for b in bays if b.is_active)
    first, last = localtime.day_start(start_day), localtime.day_start(end_day + dt.timedelta(1))
    entries = []
    bookings = (Booking.objects.filter(bay__zone=zone, start__gte=first, start__lt=last,
                                       request__isnull=True)
                .exclude(status=Booking.Status.CANCELLED).select_related("organisation"))
    for booking in bookings:
        day = booking.start.astimezone(localtime.LOCAL).date()
        start = localtime.minute_of_day(day, booking.start)
        duration = localtime.minute_of_day(day, booking.end) - start
        others = tuple(b for b in active if b != booking.bay_id)
        entries.append((booking.created_at, day, Stay(
            key=booking.reference, organisation=booking.organisation.name, duration=duration,
            length_cm=to_cm(booking.vehicle_length_m), zero_emission=booking.zero_emission,
            earliest=start - MOVE_MINUTES, latest=start + duration + MOVE_MINUTES,
            bay_ids=(booking.bay_id, *others), bay_id=booking.bay_id, start=start)))
    requests = (BookingRequest.objects.filter(zone=zone, day__gte=start_day, day__lte=end_day,
                                              status__in=[BookingRequest.Status.ALLOCATED,
                                                          BookingRequest.Status.REFUSED])
                .select_related("organisation", "booking").prefetch_related("bays"))
    for request in requests:
        entries.append((request.created_at, request.day, _request_stay(request)))
    entries.sort(key=lambda entry: entry[0])
    result = defaultdict(list)
    for _created, day, stay in entries:
        if stay is not None:
            result[day].append(stay)
    return result


def _request_stay(request: BookingRequest) -> Stay | None:
    day = request.day
    booking = request.booking
    placed = booking is not None and booking.status != Booking.Status.CANCELLED
    if request.status == BookingRequest.Status.ALLOCATED and not placed:
        return None  # allocated, then cancelled by its booker: nothing to replay
    return Stay(
        key=request.reference, organisation=request.organisation.name,
        duration=request.duration_minutes, length_cm=to_cm(request.vehicle_length_m),
        zero_emission=request.zero_emission,
        earliest=localtime.minute_of_day(day, request.earliest_start),
        latest=localtime.minute_of_day(day, request.latest_end),
        bay_ids=tuple(sorted(b.pk for b in request.bays.all())),
        bay_id=booking.bay_id if placed else None,
        start=localtime.minute_of_day(day, booking.start) if placed else None,
    )
