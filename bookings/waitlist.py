"""The waitlist: when a wanted time at a bay is full, wait for time to come free.

Every freeing of kerb time (cancel, reschedule, no-show release, early check-out,
a closure lifted or shortened, windows widened) calls offer_after_commit() once:
after the freeing commits, the time goes to the first carriers in line whose stay
now fits, by notification and a `waitlist.offered` webhook. An offer HOLDS its
time for WAITLIST_OFFER_MINUTES: availability shows it taken and booking_create
refuses everybody else there (`held_for_waitlist`); the holder claims it with one
call, through booking_create and every rule. An offer that expires passes to the
next in line (the periodic task in api/tasks.py, and on demand whenever the
waitlist is read), or the time is simply free again.

Offers of a bay change under the bay's row lock, and each entry's status moves by
a conditional update, so concurrent frees, expiries and claims act once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy

from places import localtime
from places.models import LoadingBay

from . import errors
from .locking import lock_ids
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
    """Why the stay does not fit now, open offers' holds counted (None: it fits)."""
    day = start.astimezone(localtime.LOCAL).date()
    bay_day = bay_days([bay], day)[bay.pk]
    return bay_day.refusal(
        localtime.minute_of_day(day, start), localtime.minute_of_day(day, end),
        length_cm, zero_emission,
    )


def offer_after_commit(bay_ids, start=None, end=None, *, now: dt.datetime | None = None
                       ) -> None:
    """The one call of every path that frees kerb time at these bays (bays or their ids) in
    [start, end); without start and end (a rule changed: a closure lifted, windows widened),
    every waiting entry of the bays is looked at.

    Once the freeing commits, the time is offered in its own transaction: the bay
    lock is then taken first, as every booker takes it, so no lock order is inverted
    and the freed time is seen by exactly one offer round at a time.
    """
    bay_ids = sorted({getattr(bay, "pk", bay) for bay in bay_ids})
    start = start or dt.datetime.min.replace(tzinfo=dt.UTC)
    end = end or dt.datetime.max.replace(tzinfo=dt.UTC)
    transaction.on_commit(lambda: [offer_time(bay_id, start, end, now=now)
                                   for bay_id in bay_ids])


def offer_time(bay_id: int, start, end, *, now: dt.datetime | None = None
               ) -> list[WaitlistEntry]:
    """Offer [start, end) at the bay to the waiting entries that now fit, first come first."""
    now = now or localtime.now()
    start = max(start, now)
    if end <= start:
        return []
    with transaction.atomic():
        lock_ids(LoadingBay, [bay_id])
        return _offer_waiting(bay_id, start, end, now)


def _offer_waiting(bay_id: int, start, end, now) -> list[WaitlistEntry]:
    """Under the bay's lock: offer each waiting entry overlapping [start, end) whose stay
    fits. Each offer holds its time at once, so the next entry is checked against it and
    room freed for one stay goes to one entry."""
    waiting = WaitlistEntry.objects.filter(
        bay_id=bay_id, status=WaitlistEntry.Status.WAITING, start__lt=end, end__gt=start
    ).select_related("bay__zone", "organisation").order_by("created_at", "pk")
    offered = []
    for entry in waiting:
        if entry.start <= now:
            _move(entry, WaitlistEntry.Status.WAITING, WaitlistEntry.Status.EXPIRED)
            continue
        if _refusal(entry.bay, entry.start, entry.end, to_cm(entry.vehicle_length_m),
                    entry.zero_emission) is None and _make_offer(entry, now):
            offered.append(entry)
    return offered


def _move(entry: WaitlistEntry, from_status: str, to_status: str, **fields) -> bool:
    """Change the entry's status only if it still has from_status (a withdrawal or a claim
    racing this one wins or loses as a whole)."""
    changed = WaitlistEntry.objects.filter(pk=entry.pk, status=from_status).update(
        status=to_status, **fields)
    if changed:
        entry.status = to_status
        for name, value in fields.items():
            setattr(entry, name, value)
    return bool(changed)


def _make_offer(entry: WaitlistEntry, now) -> bool:
    from .events import waitlist_offered

    if not _move(entry, WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED,
                 offered_at=now, offer_expires_at=localtime.later(now, offer_minutes())):
        return False
    waitlist_offered(entry)
    return True


def entry_payload(entry: WaitlistEntry) -> dict:
    return {
        "waitlist_entry": entry.pk,
        "status": entry.status,
        "bay": entry.bay.code,
        "bay_id": entry.bay_id,
        "start": entry.start.astimezone(localtime.LOCAL).isoformat(),
        "end": entry.end.astimezone(localtime.LOCAL).isoformat(),
        "offer_expires_at": entry.offer_expires_at.astimezone(localtime.LOCAL).isoformat()
        if entry.offer_expires_at else None,
    }


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Close offers past their time and pass each one's time on. Returns how many.

    Idempotent: each offer is expired by a conditional update under its bay's lock,
    so a second run (or a concurrent one, or a claim at the last second) acts once.
    """
    from .events import waitlist_offer_expired

    now = now or localtime.now()
    expired = 0
    due = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", "bay_id")
    for entry_id, bay_id in list(due):
        with transaction.atomic():
            lock_ids(LoadingBay, [bay_id])
            changed = WaitlistEntry.objects.filter(
                pk=entry_id, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
            ).update(status=WaitlistEntry.Status.EXPIRED)
            if changed:
                expired += 1
                entry = WaitlistEntry.objects.select_related("bay", "organisation").get(
                    pk=entry_id)
                waitlist_offer_expired(entry)
                _offer_waiting(bay_id, max(entry.start, now), entry.end, now)
    return expired


def waitlist_claim(*, entry: WaitlistEntry, booked_by=None, channel=Booking.Channel.API,
                   now: dt.datetime | None = None) -> Booking:
    """The holder books the held time: through booking_create and every rule, the hold
    left out for the holder only. Refused once the offer is over."""
    from .services import booking_create

    now = now or localtime.now()
    with transaction.atomic():
        # the bay first, as every booker and every offer round takes it; then the entry
        lock_ids(LoadingBay, [entry.bay_id])
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
            channel=channel, booked_by=booked_by, now=now, held_entry_id=current.pk,
        )
        current.status, current.booking = WaitlistEntry.Status.ACCEPTED, booking
        current.save(update_fields=["status", "booking"])
    return booking


def waitlist_withdraw(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> WaitlistEntry:
    """Leave the line; a withdrawn offer passes to the next in line."""
    now = now or localtime.now()
    with transaction.atomic():
        lock_ids(LoadingBay, [entry.bay_id])
        current = WaitlistEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if current.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
            raise errors.InvalidState()
        was_offered = current.status == WaitlistEntry.Status.OFFERED
        current.status = WaitlistEntry.Status.WITHDRAWN
        current.save(update_fields=["status"])
        if was_offered:  # the held time is free again: the next in line gets it
            _offer_waiting(current.bay_id, max(current.start, now), current.end, now)
    return current
