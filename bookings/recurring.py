"""Recurring bookings: the same bay and time on chosen weekdays, until a date.

Every date goes through `booking_create` on its own, so each one passes the
same rules and the same capacity lock as a single booking. A date that cannot
be booked is never dropped silently: it is returned and stored on the series
with the refusal's code and message.

A series books the dates inside its zone's booking horizon when it is made;
the nightly roll forward books each later date once it comes inside. Rolling
forward holds the series row lock and moves `booked_through` in the same
transaction, so running it twice (or twice at once) books no date twice; the
database's `booking_series_date_once` constraint backs that up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from organisations.models import Organisation, Vehicle
from places import localtime
from places.models import LoadingBay

from . import errors
from . import events as booking_events
from .models import Booking, BookingSeries
from .services import (
    booking_cancel,
    booking_create,
    booking_reschedule,
    check_own_vehicle,
)

MAX_SERIES_DAYS = 366


@dataclass(frozen=True)
class NotBooked:
    day: dt.date
    code: str
    message: str

    def as_json(self) -> dict:
        return {"day": self.day.isoformat(), "code": self.code, "message": self.message}


@dataclass
class SeriesResult:
    series: BookingSeries
    booked: list[Booking] = field(default_factory=list)
    not_booked: list[NotBooked] = field(default_factory=list)


def series_days(first_day: dt.date, until: dt.date, weekdays: list[int]) -> list[dt.date]:
    """Every date from first_day to until (inclusive) that falls on one of the weekdays."""
    days, day = [], first_day
    while day <= until:
        if day.weekday() in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def booking_series_create(
    *,
    organisation: Organisation,
    bay: LoadingBay,
    weekdays: list[int],
    start_time: dt.time,
    duration_minutes: int,
    first_day: dt.date,
    until: dt.date,
    vehicle: Vehicle | None = None,
    vehicle_length_m: Decimal | float | None = None,
    vehicle_mass_kg: int | None = None,
    zero_emission: bool | None = None,
    channel: str = Booking.Channel.PORTAL,
    booked_by=None,
    now: dt.datetime | None = None,
) -> SeriesResult:
    """Book every matching date; return what was booked and what was not, with reasons.

    Raises BookingError only when the series itself makes no sense (no weekdays,
    until before the first day, longer than a year); refusals of single dates
    are collected instead.
    """
    weekdays = sorted({int(d) for d in weekdays})
    _check_series(weekdays, first_day, until, duration_minutes)
    check_own_vehicle(vehicle=vehicle, organisation=organisation)
    if vehicle is not None:
        vehicle_length_m, zero_emission = vehicle.length_m, vehicle.zero_emission
    if vehicle_length_m is None or zero_emission is None:
        raise errors.BookingError(reason="vehicle_required")
    series = BookingSeries.objects.create(
        organisation=organisation,
        bay=bay,
        vehicle=vehicle,
        vehicle_length_m=Decimal(str(vehicle_length_m)),
        vehicle_mass_kg=None if vehicle is not None else vehicle_mass_kg,
        zero_emission=bool(zero_emission),
        weekdays=weekdays,
        start_time=start_time,
        duration_minutes=duration_minutes,
        first_day=first_day,
        until=until,
        created_by=booked_by,
    )
    return _book_through(series, _last_day_to_book(series, now), channel=channel, now=now)


def horizon_last_day(series: BookingSeries, now: dt.datetime | None = None) -> dt.date:
    """The last date the series' zone takes bookings for today."""
    now = now or localtime.now()
    return now.astimezone(localtime.LOCAL).date() + dt.timedelta(
        days=series.bay.zone.book_ahead_days)


def _last_day_to_book(series: BookingSeries, now) -> dt.date:
    return min(series.until, horizon_last_day(series, now))


def _book_through(series: BookingSeries, last_day: dt.date, *, channel, now) -> SeriesResult:
    """Book the series' dates after `booked_through` up to last_day; keep the refusals.

    The caller holds the series row (or has just created it).
    """
    result = SeriesResult(series)
    today = (now or localtime.now()).astimezone(localtime.LOCAL).date()
    first = series.first_day
    if series.booked_through is not None:
        # dates the roll forward missed while it did not run have passed: not refusals
        first = max(first, series.booked_through + dt.timedelta(days=1), today)
    for day in series_days(first, last_day, series.weekdays):
        try:
            booking = _book_one(series, day, channel=channel, now=now)
        except errors.BookingError as exc:
            result.not_booked.append(NotBooked(day, exc.code, exc.message))
        else:
            if booking is not None:
                result.booked.append(booking)
    series.booked_through = max(last_day, series.booked_through or last_day)
    series.not_booked = [*series.not_booked, *(item.as_json() for item in result.not_booked)]
    series.save(update_fields=["not_booked", "booked_through"])
    return result


def active_series():
    """Series not ended and with dates left to book."""
    return BookingSeries.objects.filter(ended_at__isnull=True).exclude(
        booked_through__gte=models.F("until"))


def series_roll_forward(series_id: int, *, now: dt.datetime | None = None) -> SeriesResult | None:
    """Book the series' dates that have come inside the booking horizon, each once.

    None when there was nothing to book (ended, done, or another run got there first).
    The owner hears of each date that could not be booked, in their language.
    """
    now = now or localtime.now()
    with transaction.atomic():
        series = (BookingSeries.objects.select_for_update(of=("self",))
                  .select_related("bay__zone", "organisation", "vehicle").get(pk=series_id))
        if series.ended_at is not None:
            return None
        last_day = _last_day_to_book(series, now)
        if series.booked_through is not None and last_day <= series.booked_through:
            return None
        with override(series.organisation.preferred_language or None):
            result = _book_through(series, last_day, channel=Booking.Channel.PORTAL, now=now)
            if result.not_booked:
                booking_events.series_roll_forward_failed(
                    series, [item.as_json() for item in result.not_booked])
    return result


def roll_forward_all(*, now: dt.datetime | None = None) -> list[SeriesResult]:
    """Nightly: roll every active series forward; one series failing stops no other."""
    results = []
    for series_id in active_series().order_by("pk").values_list("pk", flat=True):
        result = series_roll_forward(series_id, now=now)
        if result is not None:
            results.append(result)
    return results


def _check_series(weekdays, first_day, until, duration_minutes):
    if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
        raise errors.BookingError(_("Choose at least one weekday."), reason="no_weekdays")
    if until < first_day:
        raise errors.BookingError(
            _("The last date cannot be before the first."), reason="until_before_first"
        )
    if (until - first_day).days > MAX_SERIES_DAYS:
        raise errors.BookingError(_("A series may run for at most a year."), reason="too_long")
    if duration_minutes < 5:
        raise errors.EndBeforeStart()


def _book_one(series: BookingSeries, day: dt.date, *, channel, now) -> Booking | None:
    """Book one date of the series; None when the series already holds it."""
    try:
        start = localtime.make_local(day, series.start_time)
    except localtime.LocalTimeError as exc:
        raise errors.InvalidLocalTime(exc.message, reason=exc.code) from exc
    end = localtime.later(start, series.duration_minutes)
    try:
        with transaction.atomic():
            booking = booking_create(
                bay=series.bay,
                organisation=series.organisation,
                start=start,
                end=end,
                vehicle=series.vehicle,
                vehicle_length_m=None if series.vehicle else series.vehicle_length_m,
                vehicle_mass_kg=None if series.vehicle else series.vehicle_mass_kg,
                zero_emission=None if series.vehicle else series.zero_emission,
                channel=channel,
                booked_by=series.created_by,
                now=now,
            )
            booking.series = series
            booking.save(update_fields=["series", "updated_at"])
    except IntegrityError:
        # booking_series_date_once: the date is the series' already; nothing was kept
        return None
    return booking


@dataclass
class SeriesChange:
    series: BookingSeries
    moved: list[Booking] = field(default_factory=list)
    not_moved: list[dict] = field(default_factory=list)


def _locked_series(series: BookingSeries) -> BookingSeries:
    current = (BookingSeries.objects.select_for_update(of=("self",))
               .select_related("bay__zone", "organisation", "vehicle").get(pk=series.pk))
    if current.ended_at is not None:
        raise errors.SeriesEnded()
    return current


def coming_bookings(series: BookingSeries, now):
    """The series' confirmed bookings that have not started yet, by start."""
    return series.bookings.filter(status=Booking.Status.CONFIRMED, start__gt=now).order_by(
        "start")


def booking_series_change(
    *,
    series: BookingSeries,
    start_time: dt.time | None = None,
    duration_minutes: int | None = None,
    bay: LoadingBay | None = None,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
) -> SeriesChange:
    """Change the series as a whole: each coming booking is moved through booking_reschedule.

    A booking the new time, bay or vehicle does not fit is left as it was and listed
    with the refusal; the series itself takes the change, so later dates follow it.
    """
    now = now or localtime.now()
    if duration_minutes is not None and duration_minutes < 5:
        raise errors.EndBeforeStart()
    with transaction.atomic():
        current = _locked_series(series)
        check_own_vehicle(vehicle=vehicle, organisation=current.organisation)
        current.start_time = start_time or current.start_time
        current.duration_minutes = duration_minutes or current.duration_minutes
        current.bay = bay or current.bay
        if vehicle is not None:
            current.vehicle = vehicle
            current.vehicle_length_m, current.zero_emission = (vehicle.length_m,
                                                                vehicle.zero_emission)
        current.save(update_fields=["start_time", "duration_minutes", "bay", "vehicle",
                                    "vehicle_length_m", "zero_emission"])
        change = SeriesChange(current)
        for booking in coming_bookings(current, now):
            _move_one(change, booking, vehicle=vehicle, now=now)
        booking_events.series_changed(
            current, moved=[b.reference for b in change.moved], not_moved=change.not_moved)
    return change


def _move_one(change: SeriesChange, booking: Booking, *, vehicle, now) -> None:
    series = change.series
    day = booking.start.astimezone(localtime.LOCAL).date()
    try:
        try:
            start = localtime.make_local(day, series.start_time)
        except localtime.LocalTimeError as exc:
            raise errors.InvalidLocalTime(exc.message, reason=exc.code) from exc
        moved = booking_reschedule(
            booking=booking, start=start, end=localtime.later(start, series.duration_minutes),
            bay=series.bay, vehicle=vehicle, now=now)
    except errors.BookingError as exc:
        change.not_moved.append({"reference": booking.reference, "day": day.isoformat(),
                                 "code": exc.code, "message": exc.message})
    else:
        change.moved.append(moved)


def booking_series_end(*, series: BookingSeries, now: dt.datetime | None = None
                       ) -> list[Booking]:
    """End the series: its coming bookings are cancelled (freeing their time the normal way)
    and no more dates are booked. Ending twice is refused."""
    now = now or localtime.now()
    with transaction.atomic():
        current = _locked_series(series)
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        cancelled = [booking_cancel(booking=b, now=now) for b in coming_bookings(current, now)]
        booking_events.series_ended(current, cancelled=[b.reference for b in cancelled])
    series.refresh_from_db()
    return cancelled
