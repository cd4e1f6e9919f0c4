"""Operations on shops' waste and recycling pickup requests."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from places import localtime

from ..models import PickupRequest, WasteStream

MAX_SERIES_DAYS = 366
# A full 40 m³ roll-off container; any more is not one pickup (and overflows the column).
MAX_VOLUME_LITRES = 40_000


class PickupError(Exception):
    code = "pickup_refused"

    def __init__(self, message, code=None):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code


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
        for other_day in _series_days(day, weekdays, recurrence_until):
            PickupRequest.objects.create(day=other_day, series=first, **fields)
    return first


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


def pickup_request_cancel(*, pickup: PickupRequest) -> PickupRequest:
    with transaction.atomic():
        current = PickupRequest.objects.select_for_update().get(pk=pickup.pk)
        if current.status not in (PickupRequest.Status.PENDING, PickupRequest.Status.PLANNED):
            raise PickupError(_("This pickup can no longer be cancelled."), "invalid_state")
        current.status = PickupRequest.Status.CANCELLED
        current.save(update_fields=["status"])
    return current
