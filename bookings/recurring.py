"""Recurring bookings: the same bay and time on chosen weekdays, until a date.

Every date goes through `booking_create` on its own, so each one passes the
same rules and the same capacity lock as a single booking. A date that cannot
be booked is never dropped silently: it is returned and stored on the series
with the refusal's code and message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from organisations.models import Organisation, Vehicle
from places import localtime
from places.models import LoadingBay

from . import errors
from .models import Booking, BookingSeries
from .services import booking_create, check_own_vehicle

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
    result = SeriesResult(series)
    for day in series_days(first_day, until, weekdays):
        try:
            result.booked.append(_book_one(series, day, channel=channel, now=now))
        except errors.BookingError as exc:
            result.not_booked.append(NotBooked(day, exc.code, exc.message))
    series.not_booked = [item.as_json() for item in result.not_booked]
    series.save(update_fields=["not_booked"])
    return result


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


def _book_one(series: BookingSeries, day: dt.date, *, channel, now) -> Booking:
    try:
        start = localtime.make_local(day, series.start_time)
    except localtime.LocalTimeError as exc:
        raise errors.InvalidLocalTime(exc.message, reason=exc.code) from exc
    end = localtime.later(start, series.duration_minutes)
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
    return booking
