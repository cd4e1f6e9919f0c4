"""Europe/Amsterdam wall-clock time, made explicit.

Venster stores aware datetimes and computes durations in UTC. People, windows
and closures speak in local wall-clock time, which twice a year either skips an
hour (last Sunday of March, 02:00-03:00 does not exist) or repeats one (last
Sunday of October, 02:00-03:00 happens twice). A wall-clock time a person gives
us in those hours is refused, never guessed.
"""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

LOCAL = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist or happens twice."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def is_nonexistent(naive: dt.datetime) -> bool:
    aware = naive.replace(tzinfo=LOCAL)
    round_trip = aware.astimezone(UTC).astimezone(LOCAL).replace(tzinfo=None)
    return round_trip != naive


def is_ambiguous(naive: dt.datetime) -> bool:
    early = naive.replace(tzinfo=LOCAL, fold=0).utcoffset()
    late = naive.replace(tzinfo=LOCAL, fold=1).utcoffset()
    return early != late


def make_local(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware instant of a wall-clock time a person chose; refuses DST gaps and repeats."""
    naive = dt.datetime.combine(day, time)
    if is_nonexistent(naive):
        raise LocalTimeError(
            "nonexistent_local_time",
            _("%(time)s does not exist on %(day)s: the clocks go forward that night.")
            % {"time": time.strftime("%H:%M"), "day": day.isoformat()},
        )
    if is_ambiguous(naive):
        raise LocalTimeError(
            "ambiguous_local_time",
            _("%(time)s happens twice on %(day)s: the clocks go back that night. "
              "Choose a time outside 02:00–03:00.")
            % {"time": time.strftime("%H:%M"), "day": day.isoformat()},
        )
    return naive.replace(tzinfo=LOCAL)


# The calendar Venster works in: days and instants outside it are refused as input. Nothing
# is booked, closed or reported that far off, and local-time arithmetic on year 1 or 9999
# (a day later, midnight in UTC) falls off Python's calendar.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def in_calendar(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def calendar_message() -> str:
    return _("Give a day between the years %(first)d and %(last)d.") % {
        "first": FIRST_DAY.year, "last": LAST_DAY.year}


AMSTERDAM_OFFSETS = {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def check_aware(value: dt.datetime) -> dt.datetime:
    """An instant from an interface, in local time; refused where the wall clock is unclear.

    Naive values are refused: without an offset a time in the repeated October
    hour could be either instant. A wall time given with an Amsterdam offset on
    the March night when it never existed (2026-03-29T02:30+01:00) is refused,
    and so is any instant whose local wall time falls in the October hour that
    happens twice, as the portal refuses it.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise LocalTimeError("offset_required", _("Give the time with its UTC offset."))
    wall = value.replace(tzinfo=None)
    if value.utcoffset() in AMSTERDAM_OFFSETS and is_nonexistent(wall):
        make_local(wall.date(), wall.time())
    local = value.astimezone(LOCAL)
    make_local(local.date(), local.time().replace(tzinfo=None))
    return local


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight of `day` as an aware instant (midnight always exists in Amsterdam)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL)


def day_minutes(day: dt.date) -> int:
    """Minutes in the local day: 1380 in March's change, 1500 in October's, else 1440."""
    next_day = day + dt.timedelta(days=1)
    return int(elapsed(day_start(day), day_start(next_day)).total_seconds() // 60)


def minute_of_day(day: dt.date, instant: dt.datetime) -> int:
    """Minutes elapsed (real time) since local midnight of `day`."""
    return int(elapsed(day_start(day), instant).total_seconds() // 60)


def instant_at(day: dt.date, minute: int) -> dt.datetime:
    """The aware local instant `minute` real minutes after local midnight of `day`."""
    return instants_at(day, [minute])[0]


def instants_at(day: dt.date, minutes: Iterable[int]) -> list[dt.datetime]:
    """instant_at() for many minutes of one day (a day's free starts), midnight found once."""
    midnight = day_start(day).astimezone(UTC)
    return [(midnight + dt.timedelta(minutes=minute)).astimezone(LOCAL) for minute in minutes]


def wall_minute(day: dt.date, time: dt.time) -> int:
    """Real minutes from midnight to a wall-clock time on `day` (first occurrence)."""
    aware = dt.datetime.combine(day, time, tzinfo=LOCAL)
    return minute_of_day(day, aware.astimezone(UTC))


def later(instant: dt.datetime, minutes: float) -> dt.datetime:
    """`minutes` of real time after `instant`, in local time (aware + timedelta is wall-clock)."""
    return (instant.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(LOCAL)


def now() -> dt.datetime:
    return dt.datetime.now(tz=LOCAL)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time between two instants.

    Python subtracts two datetimes that share a tzinfo by wall clock, which is an
    hour off across a clock change; in UTC it is exact.
    """
    return end.astimezone(UTC) - start.astimezone(UTC)


def wall_clock(instant: dt.datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """An instant as the clock on the wall in Amsterdam shows it, for titles and labels.

    A stored datetime comes back from the database in UTC; printed as it is it would be an
    hour or two early.
    """
    return instant.astimezone(LOCAL).strftime(pattern)
