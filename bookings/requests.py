"""Booking requests: wishes collected until a zone's cut-off, then allocated together."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from places import localtime
from places.models import LoadingBay, Zone
from places.selectors import vehicle_limits_in_force

from . import errors
from .models import Booking, BookingRequest
from .selectors import to_cm
from .services import check_own_vehicle, check_vehicle_mass, new_reference
from .vehicle_facts import vehicle_facts

MAX_WEIGHT = 3


def cutoff_instant(zone: Zone, day: dt.date) -> dt.datetime:
    """Requests for `day` close at the zone's cut-off time on the day before.

    Never raises: a cut-off set inside a clock change (02:00-03:00 on the last
    Sunday of March or October) falls at the first instant with that wall time,
    or just after the skipped hour, so the schedule and the portal agree.
    """
    before = day - dt.timedelta(days=1)
    try:
        return localtime.make_local(before, zone.allocation_cutoff)
    except localtime.LocalTimeError:
        wall = dt.datetime.combine(before, zone.allocation_cutoff, tzinfo=localtime.LOCAL)
        return wall.astimezone(localtime.UTC).astimezone(localtime.LOCAL)


def first_open_day(zone: Zone, now: dt.datetime | None = None) -> dt.date:
    """The first day whose requests the zone still collects: tomorrow until the cut-off,
    the day after tomorrow from then on."""
    now = now or localtime.now()
    day = now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=1)
    while now >= cutoff_instant(zone, day):
        day += dt.timedelta(days=1)
    return day


def outcome_expected_by(zone: Zone, day: dt.date) -> dt.datetime:
    """When requesters can count on the outcome for `day`: the schedule starts the run
    within one beat of the cut-off, and the solver then has its time limit, plus a minute
    to apply the plan and send the notices."""
    schedule = settings.CELERY_BEAT_SCHEDULE.get("bookings-start-due-allocation-runs", {})
    beat = dt.timedelta(seconds=float(schedule.get("schedule", 300)))
    solving = dt.timedelta(seconds=settings.ALLOCATION_SOLVER_SECONDS + 60)
    slack = beat + solving
    # round up to the next five minutes: a promise reads better as 16:10 than 16:07
    minutes = math.ceil(slack.total_seconds() / 300) * 5
    return localtime.later(cutoff_instant(zone, day), minutes)


def request_submit(
    *,
    organisation,
    zone: Zone,
    earliest_start: dt.datetime,
    latest_end: dt.datetime,
    duration_minutes: int,
    bays: list[LoadingBay],
    preferred_start: dt.datetime | None = None,
    vehicle=None,
    vehicle_length_m: Decimal | float | None = None,
    vehicle_mass_kg: int | None = None,
    zero_emission: bool | None = None,
    weight: int = 1,
    channel: str = Booking.Channel.API,
    submitted_by=None,
    address_latitude: float | None = None,
    address_longitude: float | None = None,
    now: dt.datetime | None = None,
) -> BookingRequest:
    """Collect a request for the next allocation run, or raise the RequestError saying why not."""
    earliest_start, latest_end = _local(earliest_start), _local(latest_end)
    preferred_start = _local(preferred_start) if preferred_start else earliest_start
    day = earliest_start.date()
    now = now or localtime.now()
    check_own_vehicle(vehicle=vehicle, organisation=organisation)
    facts = vehicle_facts(vehicle=vehicle, length_m=vehicle_length_m, mass_kg=vehicle_mass_kg,
                          zero_emission=zero_emission, error=errors.RequestError)
    # the register's length for a plate it lists, kept for the allocation to plan with
    length, clean = facts.length_m, facts.declared_zero_emission
    check_vehicle_mass(zone=zone, facts=facts, day=day)
    _check_window(zone, day, earliest_start, latest_end, preferred_start, duration_minutes)
    if now >= cutoff_instant(zone, day):
        raise errors.AfterCutoff()
    if day > now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=zone.book_ahead_days):
        raise errors.TooFarAhead()
    if not 1 <= weight <= MAX_WEIGHT:
        raise errors.RequestError(reason="weight_out_of_range")
    usable = [b for b in bays if b.zone_id == zone.pk and b.is_active]
    if not usable or len(usable) != len(bays):
        raise errors.NoAcceptedBays()
    limits = vehicle_limits_in_force(usable, day)
    if any(to_cm(length) > to_cm(limits[b.pk].max_length_m) for b in usable):
        # the same refusal as an instant booking at that bay (BayDay.refusal)
        raise errors.VehicleTooLong()
    with transaction.atomic():
        request = BookingRequest.objects.create(
            reference="R" + new_reference()[1:],
            zone=zone,
            organisation=organisation,
            vehicle=vehicle,
            vehicle_length_m=length,
            vehicle_mass_kg=facts.mass_kg,
            zero_emission=clean,
            day=day,
            earliest_start=earliest_start,
            latest_end=latest_end,
            preferred_start=preferred_start,
            duration_minutes=duration_minutes,
            weight=weight,
            channel=channel,
            submitted_by=submitted_by,
            address_latitude=address_latitude,
            address_longitude=address_longitude,
        )
        request.bays.set(usable)
    return request


def _local(value: dt.datetime) -> dt.datetime:
    try:
        return localtime.check_aware(value)
    except localtime.LocalTimeError as exc:
        raise errors.InvalidLocalTime(exc.message, reason=exc.code) from exc


def _check_window(zone, day, earliest, latest, preferred, duration_minutes):
    if latest <= earliest:
        raise errors.EndBeforeStart()
    # The allocation counts whole minutes; a stray second would silently shift a stay.
    if any(t.second or t.microsecond for t in (earliest, latest, preferred)):
        raise errors.NotOnGrid()
    if latest.date() != day:
        raise errors.InvalidRequestWindow(reason="spans_days")
    if duration_minutes < 5 or duration_minutes > zone.max_stay_minutes:
        raise errors.StayTooLong() if duration_minutes > 5 else errors.InvalidRequestWindow()
    window = localtime.elapsed(earliest, latest)
    if window < dt.timedelta(minutes=duration_minutes):
        raise errors.InvalidRequestWindow()
    latest_start = localtime.later(latest, -duration_minutes)
    if not earliest <= preferred <= latest_start:
        raise errors.InvalidRequestWindow(reason="preferred_outside_window")


def request_withdraw(*, request: BookingRequest) -> BookingRequest:
    """Withdraw a pending request; an allocated one is cancelled as a booking instead."""
    with transaction.atomic():
        current = BookingRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != BookingRequest.Status.PENDING:
            raise errors.InvalidState()
        current.status = BookingRequest.Status.WITHDRAWN
        current.save(update_fields=["status", "updated_at"])
    return current
