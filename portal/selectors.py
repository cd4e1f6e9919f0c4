"""Reads for the portal: bays near a shop, their day at a glance, the booking grid, alternatives.

Everything here is built on bookings.selectors (bay_days, availability), so
the grid shows exactly what the booking service will accept.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from bookings.selectors import availability, bay_days, to_cm
from places import localtime
from places.models import LoadingBay, TimeWindow
from places.selectors import windows_in_force

# A shopkeeper walks a trolley this far; bays further away are not "near".
WALK_METRES = 500
NEAR_LIMIT = 8
CELL_MINUTES = 15
EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine); plenty for a town centre."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return int(round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))))


@dataclass
class NearBay:
    bay: LoadingBay
    distance: int | None


def bays_near(organisation, *, radius: int = WALK_METRES, limit: int = NEAR_LIMIT) -> list[NearBay]:
    """Active bays within walking distance of the shop, nearest first.

    When no bay is that close, the nearest few are still offered; a shop
    without a location on the map gets the bays in code order.
    """
    bays = list(LoadingBay.objects.filter(is_active=True).select_related("zone"))
    lat, lon = organisation.latitude, organisation.longitude
    if lat is None or lon is None:
        return [NearBay(bay, None) for bay in bays[:limit]]
    near = sorted(
        (NearBay(b, distance_m(lat, lon, b.latitude, b.longitude)) for b in bays),
        key=lambda n: (n.distance, n.bay.code),
    )
    within = [n for n in near if n.distance <= radius]
    return (within or near[:3])[:limit]


def bookable_bay(bay_id) -> LoadingBay | None:
    """An active bay by id from a form, or None; kerb space is public, so any active bay."""
    try:
        return LoadingBay.objects.select_related("zone").get(pk=int(bay_id), is_active=True)
    except (LoadingBay.DoesNotExist, TypeError, ValueError):
        return None


@dataclass
class BayToday:
    bay: LoadingBay
    distance: int | None
    windows: list[TimeWindow]
    bookings: int
    load_percent: int


def bays_today(near: list[NearBay], day: dt.date) -> list[BayToday]:
    """Each near bay's windows on `day` and how much of its open time is taken."""
    bays = [n.bay for n in near]
    days = bay_days(bays, day)
    windows = windows_in_force(bays, day)
    result = []
    for n in near:
        bay_day = days[n.bay.pk]
        open_minutes = sum(bay_day.open_to_clean)
        busy = sum(
            1 for m in range(bay_day.minutes) if bay_day.open_to_clean[m] and bay_day.count[m]
        )
        result.append(
            BayToday(
                bay=n.bay,
                distance=n.distance,
                windows=windows.get(n.bay.pk, []),
                bookings=_bookings_on(n.bay, day),
                load_percent=round(100 * busy / open_minutes) if open_minutes else 0,
            )
        )
    return result


def _bookings_on(bay, day) -> int:
    from bookings.models import Booking

    return (
        Booking.objects.occupying()
        .filter(bay=bay)
        .overlapping(localtime.day_start(day), localtime.day_start(day + dt.timedelta(days=1)))
        .count()
    )


# --- The grid -------------------------------------------------------------------------------

FREE, TAKEN, CLEAN_ONLY, CLOSED = "free", "taken", "clean_only", "closed"
# Free, yet not bookable, and why: the time has passed, the day lies beyond the bay's booking
# horizon, or the vehicle never fits this bay.
PAST, BEYOND_HORIZON, TOO_LONG = "past", "beyond_horizon", "too_long"


@dataclass
class Cell:
    minute: int
    label: str
    state: str
    zero_emission_only: bool
    bookable: bool


@dataclass
class Row:
    bay: LoadingBay
    distance: int | None
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    day: dt.date
    columns: list[tuple[int, str]]
    rows: list[Row]
    #: bookable days ahead (the shortest horizon of the bays shown) and the last such day
    horizon_days: int = 0
    last_day: dt.date | None = None
    #: why nothing on the grid can be booked, when one reason holds for every bay
    reason: str = ""
    vehicle_m: float = 0
    longest_vehicle_m: float = 0


def booking_horizon(bays, now=None) -> tuple[int, dt.date]:
    """(days ahead, last bookable day) for these bays: the zones' shortest horizon."""
    today = (now or localtime.now()).astimezone(localtime.LOCAL).date()
    days = min((bay.zone.book_ahead_days for bay in bays), default=28)
    return days, today + dt.timedelta(days=days)


def booking_grid(
    near: list[NearBay], *, day: dt.date, length_m, zero_emission: bool, duration: int, now=None
) -> Grid:
    """Bays by time in quarter hours: free, taken, zero-emission only, closed, or free but
    not bookable (past, beyond the horizon, too long a vehicle) with the reason.

    A cell is bookable when a stay of `duration` starting there fits the whole
    way (the same answer availability() gives the API).
    """
    now = now or localtime.now()
    bays = [n.bay for n in near]
    days = bay_days(bays, day)
    starts = _free_minutes(bays, day, duration, length_m, zero_emission, now)
    first, last = _open_span(days.values())
    columns = [(m, _label(day, m)) for m in range(first, last, CELL_MINUTES)]
    length_cm = to_cm(length_m)
    rows = []
    for n in near:
        bay_day = days[n.bay.pk]
        unbookable = _unbookable_day(n.bay, day, now)
        row = Row(n.bay, n.distance)
        for minute, label in columns:
            state = _state(bay_day, minute, length_cm, zero_emission)
            if state == FREE:
                state = unbookable or _past_on_the_day(day, minute, now) or FREE
            row.cells.append(
                Cell(
                    minute=minute,
                    label=label,
                    state=state,
                    zero_emission_only=bool(
                        bay_day.open_to_clean[minute] and not bay_day.open_to_all[minute]
                    ),
                    bookable=state == FREE and minute in starts[n.bay.pk],
                )
            )
        rows.append(row)
    horizon_days, last_day = booking_horizon(bays, now)
    return Grid(day, columns, rows, horizon_days=horizon_days, last_day=last_day,
                reason=_reason(near, days, day, length_cm, now), vehicle_m=length_cm / 100,
                longest_vehicle_m=max((d.limits.max_vehicle_cm for d in days.values()),
                                      default=0) / 100)


def _unbookable_day(bay: LoadingBay, day: dt.date, now) -> str | None:
    today = now.astimezone(localtime.LOCAL).date()
    if day < today:
        return PAST
    if day > today + dt.timedelta(days=bay.zone.book_ahead_days):
        return BEYOND_HORIZON
    return None


def _past_on_the_day(day: dt.date, minute: int, now) -> str | None:
    return PAST if localtime.instant_at(day, minute) < now else None


def _reason(near, days, day, length_cm, now) -> str:
    """The one reason every bay shares for having no bookable start, if there is one."""
    if not near:
        return ""
    reasons = {_unbookable_day(n.bay, day, now) for n in near}
    if reasons == {PAST}:
        return PAST
    if reasons == {BEYOND_HORIZON}:
        return BEYOND_HORIZON
    if all(_never_fits(days[n.bay.pk].limits, length_cm) for n in near):
        return TOO_LONG
    return ""


def _never_fits(limits, length_cm: int) -> bool:
    return length_cm > limits.max_vehicle_cm or length_cm > limits.kerb_cm


def _free_minutes(bays, day, duration, length_m, zero_emission, now) -> dict[int, set[int]]:
    free = availability(
        day=day,
        duration_minutes=duration,
        vehicle_length_m=length_m,
        zero_emission=zero_emission,
        bays=bays,
        now=now,
    )
    return {f.bay.pk: {localtime.minute_of_day(day, s) for s in f.starts} for f in free}


def _open_span(bay_days_) -> tuple[int, int]:
    """From the first open quarter hour of any bay to the last; 07:00-19:00 when all closed."""
    opened = [m for d in bay_days_ for m in range(d.minutes) if d.open_to_clean[m]]
    if not opened:
        return 7 * 60, 19 * 60
    first = min(opened) - min(opened) % CELL_MINUTES
    last = max(opened) + 1
    return first, last + (-last) % CELL_MINUTES


def _label(day, minute) -> str:
    return f"{localtime.instant_at(day, minute):%H:%M}"


def _state(bay_day, minute, length_cm, zero_emission) -> str:
    if minute >= bay_day.minutes or not bay_day.open_to_clean[minute] or bay_day.closed[minute]:
        return CLOSED
    if not bay_day.is_open_to(zero_emission)[minute]:
        return CLEAN_ONLY
    limits = bay_day.limits
    if _never_fits(limits, length_cm):
        return TOO_LONG
    room = (
        length_cm <= limits.max_vehicle_cm
        and bay_day.count[minute] < limits.max_vehicles
        and bay_day.length_cm[minute] + length_cm <= limits.kerb_cm
    )
    return FREE if room else TAKEN


# --- Alternatives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    bay: LoadingBay
    distance: int | None
    minute: int
    label: str


def alternatives(
    near: list[NearBay],
    *,
    day: dt.date,
    wanted_minute: int,
    wanted_bay_id: int | None,
    length_m,
    zero_emission: bool,
    duration: int,
    now=None,
    other_times_within: int = 120,
) -> dict[str, list[Alternative]]:
    """When the wanted start is full: other bays free at that time, and nearby free times."""
    bays = [n.bay for n in near]
    distance = {n.bay.pk: n.distance for n in near}
    starts = _free_minutes(bays, day, duration, length_m, zero_emission, now)
    other_bays = [
        Alternative(b, distance[b.pk], wanted_minute, _label(day, wanted_minute))
        for b in bays
        if b.pk != wanted_bay_id and wanted_minute in starts[b.pk]
    ][:4]
    home = wanted_bay_id if wanted_bay_id in starts else (bays[0].pk if bays else None)
    other_times = []
    if home is not None:
        bay = next(b for b in bays if b.pk == home)
        on_cells = [
            m for m in sorted(starts[home])
            if m % CELL_MINUTES == 0 and 0 < abs(m - wanted_minute) <= other_times_within
        ]
        earlier = [m for m in on_cells if m < wanted_minute][-2:]
        later = [m for m in on_cells if m > wanted_minute][:2]
        other_times = [
            Alternative(bay, distance[home], m, _label(day, m)) for m in earlier + later
        ]
    return {"other_bays": other_bays, "other_times": other_times}
