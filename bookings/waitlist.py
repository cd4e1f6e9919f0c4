"""The waitlist: when a wanted time at a bay is full, wait for a cancellation.

A cancellation that frees room offers the time to the first carrier in line
whose stay now fits, by notification (email) and a `waitlist.offer` webhook,
for WAITLIST_OFFER_MINUTES. An offer that expires passes to the next in line
(the periodic task in api/tasks.py, and on demand whenever the waitlist is
read). Accepting an offer books through booking_create, so every rule and
the capacity lock apply as usual; an offer does not hold the room.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from places import localtime
from places.models import LoadingBay

from . import errors
from .locking import lock_rows
from .models import Booking, WaitlistEntry
from .selectors import bay_days, to_cm
from .vehicle_facts import vehicle_facts


class RoomAvailable(errors.BookingError):
    code = "room_available"
    default_message = gettext_lazy("There is room at this time: book it directly.")
    http_status = 409


class OfferNotOpen(errors.BookingError):
    code = "offer_not_open"
    default_message = gettext_lazy("This waitlist entry has no open offer.")
    http_status = 409


def offer_minutes() -> int:
    return int(getattr(settings, "WAITLIST_OFFER_MINUTES", 15))


def waitlist_join(
    *,
    organisation,
    bay: LoadingBay,
    start: dt.datetime,
    end: dt.datetime,
    vehicle=None,
    vehicle_length_m: Decimal | float | None = None,
    vehicle_mass_kg: int | None = None,
    zero_emission: bool | None = None,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Join the line for a time that is full; refused when there is room or waiting cannot help."""
    from .services import _check_local_times, _lock_bay, check_own_vehicle, check_rules

    start, end = _check_local_times(start, end)
    check_own_vehicle(vehicle=vehicle, organisation=organisation)
    facts = vehicle_facts(vehicle=vehicle, length_m=vehicle_length_m, zero_emission=zero_emission,
                          mass_kg=vehicle_mass_kg)
    length_m, clean = facts.length_m, facts.declared_zero_emission
    now = now or localtime.now()
    with transaction.atomic():
        bay = _lock_bay(bay.pk)
        check_rules(bay=bay, start=start, end=end, facts=facts, now=now)
        refusal = _refusal(bay, start, end, to_cm(length_m), clean)
        if refusal is None:
            raise RoomAvailable()
        if not isinstance(refusal, errors.BayFull):
            raise refusal  # closed, outside the window, too long: a cancellation cannot help
        return WaitlistEntry.objects.create(
            organisation=organisation, bay=bay, vehicle=vehicle, vehicle_length_m=length_m,
            vehicle_mass_kg=None if vehicle else facts.mass_kg, zero_emission=clean,
            start=start, end=end,
        )


def _refusal(bay, start, end, length_cm: int, zero_emission: bool):
    day = start.astimezone(localtime.LOCAL).date()
    bay_day = bay_days([bay], day)[bay.pk]
    return bay_day.refusal(
        localtime.minute_of_day(day, start), localtime.minute_of_day(day, end),
        length_cm, zero_emission,
    )


def offer_freed_room(booking: Booking, *, start=None, now: dt.datetime | None = None
                     ) -> WaitlistEntry | None:
    """Called in the transaction that freed `booking`'s time (from `start`, by default its
    start): offer it to the first in line.

    The bay is not locked here: the status change holds the booking row, and
    taking the bay after it would invert the order reschedule uses (bay, then
    booking) and risk a deadlock. The accepted race: two releases at one
    bay at once may offer the same entry twice, which only sends it twice.
    """
    return offer_time(booking.bay_id, start or booking.start, booking.end,
                      now=now or localtime.now())


def offer_time(bay_id: int, start, end, *, now) -> WaitlistEntry | None:
    """Offer [start, end) at the bay to the first waiting entry that fits now."""
    if end <= start:
        return None
    return _offer_next(bay_id, start, end, now)


def _offer_next(bay_id: int, start, end, now) -> WaitlistEntry | None:
    """Offer the first waiting entry overlapping [start, end) whose stay fits now."""
    waiting = WaitlistEntry.objects.filter(
        bay_id=bay_id, status=WaitlistEntry.Status.WAITING, start__lt=end, end__gt=start
    ).select_related("bay__zone", "organisation").order_by("created_at", "pk")
    for entry in waiting:
        if entry.start <= now:
            _set_status(entry, WaitlistEntry.Status.EXPIRED)
            continue
        if _has_open_offer(entry, now):
            continue
        if _refusal(entry.bay, entry.start, entry.end, to_cm(entry.vehicle_length_m),
                    entry.zero_emission) is None:
            _make_offer(entry, now)
            return entry
    return None


def _has_open_offer(entry: WaitlistEntry, now) -> bool:
    """Someone else holds an unexpired offer for an overlapping time: one offer at a time."""
    return WaitlistEntry.objects.filter(
        bay_id=entry.bay_id, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now,
        start__lt=entry.end, end__gt=entry.start,
    ).exists()


def _set_status(entry: WaitlistEntry, status: str) -> None:
    entry.status = status
    entry.save(update_fields=["status"])


def _make_offer(entry: WaitlistEntry, now) -> None:
    from notifications.services import in_language_of, notify
    from webhooks.services import publish_event

    entry.status = WaitlistEntry.Status.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = localtime.later(now, offer_minutes())
    entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
    payload = entry_payload(entry)
    start = entry.start.astimezone(localtime.LOCAL)
    with in_language_of(entry.organisation):
        notify(
            organisation=entry.organisation, kind="waitlist.offer",
            title=_("Room at bay %(bay)s on %(start)s") % {
                "bay": entry.bay.code, "start": f"{start:%d-%m %H:%M}"},
            body=_("A cancellation made room for your waitlisted time. Accept the offer "
                   "before %(expires)s to book it.") % {
                "expires": f"{entry.offer_expires_at.astimezone(localtime.LOCAL):%H:%M}"},
            payload=payload,
        )
    publish_event(entry.organisation, "waitlist.offer", payload)


def entry_payload(entry: WaitlistEntry) -> dict:
    return {
        "waitlist_entry": entry.pk,
        "bay": entry.bay.code,
        "bay_id": entry.bay_id,
        "start": entry.start.astimezone(localtime.LOCAL).isoformat(),
        "end": entry.end.astimezone(localtime.LOCAL).isoformat(),
        "offer_expires_at": entry.offer_expires_at.astimezone(localtime.LOCAL).isoformat()
        if entry.offer_expires_at else None,
    }


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Close offers past their time and offer each time to the next in line. Returns how many."""
    now = now or localtime.now()
    expired = 0
    due = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", "bay_id")
    for entry_id, bay_id in list(due):
        with transaction.atomic():
            lock_rows(LoadingBay.objects.all(), [bay_id])  # offers of a bay change one at a time
            entry = WaitlistEntry.objects.filter(pk=entry_id).first()
            changed = WaitlistEntry.objects.filter(
                pk=entry_id, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
            ).update(status=WaitlistEntry.Status.EXPIRED)
            if changed:
                expired += 1
                _offer_next(bay_id, entry.start, entry.end, now)
    return expired


def waitlist_accept(*, entry: WaitlistEntry, booked_by=None,
                    now: dt.datetime | None = None) -> Booking:
    """Book the offered time; refused once the offer expired or when the room went meanwhile."""
    from .services import booking_create

    now = now or localtime.now()
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side (vehicle) of the join.
        current = (WaitlistEntry.objects.select_for_update(of=("self",))
                   .select_related("bay", "vehicle").get(pk=entry.pk))
        if current.status != WaitlistEntry.Status.OFFERED or current.offer_expires_at <= now:
            raise OfferNotOpen()
        booking = booking_create(
            bay=current.bay, organisation=current.organisation, start=current.start,
            end=current.end, vehicle=current.vehicle,
            vehicle_length_m=None if current.vehicle else current.vehicle_length_m,
            vehicle_mass_kg=None if current.vehicle else current.vehicle_mass_kg,
            zero_emission=None if current.vehicle else current.zero_emission,
            channel=Booking.Channel.API, booked_by=booked_by, now=now,
        )
        current.status, current.booking = WaitlistEntry.Status.ACCEPTED, booking
        current.save(update_fields=["status", "booking"])
    return booking


def waitlist_withdraw(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> WaitlistEntry:
    """Leave the line; a withdrawn offer passes to the next in line."""
    now = now or localtime.now()
    with transaction.atomic():
        current = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if current.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
            raise errors.InvalidState()
        was_offered = current.status == WaitlistEntry.Status.OFFERED
        _set_status(current, WaitlistEntry.Status.WITHDRAWN)
        if was_offered:
            _offer_next(current.bay_id, current.start, current.end, now)
    return current
