"""Operations on shops' waste and recycling pickup requests.

A repeating pickup requests its days up to SERIES_HORIZON_DAYS ahead when it is
made; the nightly roll forward requests each later day once it comes inside,
under the first request's row lock and backed by `pickup_series_day_once`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from bookings.errors import BookingError
from places import localtime

from .. import events
from ..models import MissedReason, PickupRequest, WasteStream

MAX_SERIES_DAYS = 366
# How far ahead a repeating pickup's days are requested: a zone's booking horizon by default.
SERIES_HORIZON_DAYS = 28
# The most one pickup can weigh: a full roll-off container of glass.
MAX_COLLECTED_KG = Decimal("40000")
# A full 40 m³ roll-off container; any more is not one pickup (and overflows the column).
MAX_VOLUME_LITRES = 40_000


class PickupError(BookingError):
    """A pickup refused; a BookingError so every interface shows it as it shows those."""

    code = "pickup_refused"
    default_message = _("This pickup is not possible.")

    def __init__(self, message, code=None):
        super().__init__(message)
        if code:
            self.code = code
        if self.code == "invalid_state":
            self.http_status = 409


def pickup_request_create(
    *,
    organisation,
    stream: str,
    volume_litres: int,
    day: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    containers: int = 1,
    recurrence_weekdays: list[int] | None = None,
    recurrence_until: dt.date | None = None,
    bay=None,
    note: str = "",
    requested_by=None,
    now: dt.datetime | None = None,
) -> PickupRequest:
    """One pickup, or a series with one request per matching day until `recurrence_until`."""
    now = now or localtime.now()
    _check(stream, volume_litres, day, window_start, window_end, now)
    weekdays = sorted(set(recurrence_weekdays or []))
    if weekdays and (recurrence_until is None or recurrence_until < day):
        raise PickupError(_("A repeating pickup needs a last date after the first."), "until")
    if recurrence_until and (recurrence_until - day).days > MAX_SERIES_DAYS:
        raise PickupError(_("A series may run for at most a year."), "until")
    if organisation.latitude is None or organisation.longitude is None:
        raise PickupError(_("Set your shop's address on the map first."), "no_location")
    fields = dict(
        organisation=organisation,
        stream=stream,
        volume_litres=volume_litres,
        containers=containers,
        window_start=window_start,
        window_end=window_end,
        latitude=organisation.latitude,
        longitude=organisation.longitude,
        bay=bay,
        note=note,
        requested_by=requested_by,
    )
    with transaction.atomic():
        first = PickupRequest.objects.create(
            day=day, recurrence_weekdays=weekdays, recurrence_until=recurrence_until, **fields
        )
        if weekdays:
            _request_through(first, _last_day_to_request(first, now))
        events.pickup_requested(first)
    return first


def _last_day_to_request(first: PickupRequest, now) -> dt.date:
    horizon = now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=SERIES_HORIZON_DAYS)
    return min(first.recurrence_until, horizon)


def _request_through(first: PickupRequest, last_day: dt.date) -> list[PickupRequest]:
    """Request the series' days after `rolled_through` up to last_day, each once."""
    after = first.rolled_through or first.day
    made = []
    for day in _series_days(after, first.recurrence_weekdays, last_day):
        try:
            with transaction.atomic():
                made.append(PickupRequest.objects.create(
                    day=day, series=first, **_series_fields(first)))
        except IntegrityError:  # pickup_series_day_once: this day is requested already
            continue
    first.rolled_through = max(last_day, first.rolled_through or last_day)
    first.save(update_fields=["rolled_through"])
    return made


def _series_fields(first: PickupRequest) -> dict:
    names = ["organisation", "stream", "volume_litres", "containers", "window_start",
             "window_end", "latitude", "longitude", "bay", "note", "requested_by"]
    return {name: getattr(first, name) for name in names}


def roll_pickup_series_forward(*, now: dt.datetime | None = None) -> list[PickupRequest]:
    """Nightly: request the repeating pickups' days that have come inside the horizon."""
    now = now or localtime.now()
    heads = (PickupRequest.objects.filter(series__isnull=True, recurrence_until__isnull=False)
             .exclude(status=PickupRequest.Status.CANCELLED)
             .exclude(rolled_through__gte=models.F("recurrence_until"))
             .order_by("pk").values_list("pk", flat=True))
    made = []
    for pk in heads:
        with transaction.atomic():
            first = PickupRequest.objects.select_for_update().get(pk=pk)
            last_day = _last_day_to_request(first, now)
            if first.recurrence_weekdays and (first.rolled_through is None
                                              or last_day > first.rolled_through):
                made += _request_through(first, last_day)
    return made


def _check(stream, volume_litres, day, window_start, window_end, now):
    if stream not in WasteStream.values:
        raise PickupError(_("Unknown waste stream."), "stream")
    if volume_litres <= 0:
        raise PickupError(_("Give the volume in litres."), "volume")
    if volume_litres > MAX_VOLUME_LITRES:
        raise PickupError(_("One pickup takes at most %(litres)d litres.")
                          % {"litres": MAX_VOLUME_LITRES}, "volume")
    if window_end <= window_start:
        raise PickupError(_("The pickup window must end after it starts."), "window")
    if day < now.date():
        raise PickupError(_("This day has already passed."), "in_the_past")


def _series_days(first: dt.date, weekdays: list[int], until: dt.date | None):
    if not weekdays or until is None:
        return
    day = first + dt.timedelta(days=1)
    while day <= until:
        if day.weekday() in weekdays:
            yield day
        day += dt.timedelta(days=1)


OPEN = (PickupRequest.Status.PENDING, PickupRequest.Status.PLANNED)


def pickup_request_cancel(*, pickup: PickupRequest) -> PickupRequest:
    with transaction.atomic():
        current = PickupRequest.objects.select_for_update().get(pk=pickup.pk)
        if current.status not in OPEN:
            raise PickupError(_("This pickup can no longer be cancelled."), "invalid_state")
        current.status = PickupRequest.Status.CANCELLED
        current.save(update_fields=["status"])
        events.pickup_cancelled(current)
    return current


def pickup_collected(*, pickup: PickupRequest, litres: int | None = None,
                     kg: Decimal | None = None, now=None) -> PickupRequest:
    """The collector took the waste: how much, in litres or kilograms (or both)."""
    if litres is None and kg is None:
        raise PickupError(_("Give the amount collected in litres or kilograms."), "amount")
    if litres is not None and not 0 <= litres <= MAX_VOLUME_LITRES:
        raise PickupError(_("One pickup takes at most %(litres)d litres.")
                          % {"litres": MAX_VOLUME_LITRES}, "amount")
    if kg is not None and not 0 <= kg <= MAX_COLLECTED_KG:
        raise PickupError(_("The weight collected is out of range."), "amount")
    return _record_outcome(pickup, PickupRequest.Status.COLLECTED, events.pickup_collected,
                           now=now, collected_litres=litres, collected_kg=kg)


def pickup_missed(*, pickup: PickupRequest, reason: str, note: str = "",
                  now=None) -> PickupRequest:
    """The collector could not take the waste, and says why."""
    if reason not in MissedReason.values:
        raise PickupError(_("Choose why the pickup was missed."), "reason")
    if reason == MissedReason.OTHER and not note.strip():
        raise PickupError(_("Say in the note why the pickup was missed."), "note")
    return _record_outcome(pickup, PickupRequest.Status.MISSED, events.pickup_missed,
                           now=now, missed_reason=reason, missed_note=note.strip()[:200])


def _record_outcome(pickup, status, announce, *, now, **fields) -> PickupRequest:
    """Collected or missed, once: only a planned pickup gets an outcome (under its row lock)."""
    now = now or localtime.now()
    with transaction.atomic():
        current = PickupRequest.objects.select_for_update().get(pk=pickup.pk)
        if current.status != PickupRequest.Status.PLANNED:
            raise PickupError(_("Only a planned pickup can be collected or missed."),
                              "invalid_state")
        current.status, current.outcome_at = status, now
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=["status", "outcome_at", *fields])
        announce(current)
    return current
