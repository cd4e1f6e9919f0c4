"""Operations on bookings. Every interface (portal, API, optimiser, admin) calls these.

Each operation runs in one transaction and either changes what it says or
raises a BookingError that names the reason, leaving the database untouched.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from decimal import Decimal

from django.db import IntegrityError, transaction

from access.services import booking_zero_emission
from operations.history import create_with_history
from organisations.models import Organisation, Vehicle
from places import caching, localtime
from places.models import LoadingBay
from places.selectors import zone_vehicle_limits_in_force

from . import errors
from . import events as booking_events
from .locking import lock_ids, lock_rows
from .models import Booking
from .quotas import check_quota
from .selectors import bay_days, to_cm
from .vehicle_facts import VehicleFacts, vehicle_facts

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "V" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def check_vehicle_mass(*, zone, facts: VehicleFacts, day: dt.date) -> None:
    """The zone's heaviest vehicle on `day` (a dated limit in force, else the zone's): the
    register's mass for a plate, else the declared mass, which a vehicle without a plate must
    give (every zone limits mass)."""
    if facts.mass_kg is None:
        if facts.declared:
            raise errors.VehicleMassRequired()
        return
    if facts.mass_kg > zone_vehicle_limits_in_force(zone, day).max_weight_kg:
        raise errors.VehicleTooHeavy()


def check_rules(*, bay: LoadingBay, start, end, facts: VehicleFacts, now) -> None:
    """The zone's rules that do not depend on other bookings."""
    if end <= start:
        raise errors.EndBeforeStart()
    if start.second or start.microsecond or end.second or end.microsecond:
        raise errors.NotOnGrid()
    zone = bay.zone
    if not bay.is_active:
        raise errors.BayInactive()
    if start < now:
        raise errors.InThePast()
    if start < localtime.later(now, zone.min_lead_minutes):
        raise errors.TooLate()
    last_day = now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=zone.book_ahead_days)
    if start.astimezone(localtime.LOCAL).date() > last_day:
        raise errors.TooFarAhead()
    if localtime.elapsed(start, end) > dt.timedelta(minutes=zone.max_stay_minutes):
        raise errors.StayTooLong()
    check_vehicle_mass(zone=zone, facts=facts, day=start.astimezone(localtime.LOCAL).date())


def _check_local_times(start, end):
    try:
        return localtime.check_aware(start), localtime.check_aware(end)
    except localtime.LocalTimeError as exc:
        raise errors.InvalidLocalTime(exc.message, reason=exc.code) from exc


def _check_fits(
    *, bay: LoadingBay, start, end, length_cm: int, zero_emission: bool, exclude_booking_id=None,
    rules_max_age: float = 0, held_entry_id: int | None = None,
) -> None:
    """Refuse unless the stay fits the bay's windows, closures and room at every minute,
    with the time held by waitlist offers taken (but for the holder's own, ``held_entry_id``).
    The rules are read as current as ``rules_max_age`` seconds allow (0: now)."""
    day = start.astimezone(localtime.LOCAL).date()
    minutes = (localtime.minute_of_day(day, start), localtime.minute_of_day(day, end),
               length_cm, zero_emission)
    refusal = bay_days([bay], day, exclude_booking_id=exclude_booking_id,
                       rules_max_age=rules_max_age, exclude_hold_id=held_entry_id,
                       )[bay.pk].refusal(*minutes)
    if isinstance(refusal, errors.BayFull) and bay_days(
            [bay], day, exclude_booking_id=exclude_booking_id, rules_max_age=rules_max_age,
            holds=False)[bay.pk].refusal(*minutes) is None:
        raise errors.HeldForWaitlist()  # full only because of a hold: say so, not "full"
    if refusal is not None:
        raise refusal


def check_own_vehicle(*, vehicle: Vehicle | None, organisation: Organisation) -> None:
    """An organisation books only with its own vehicles, whichever interface asks.

    A hired van that several carriers drive is registered by each of them (plates are
    unique per organisation), so this never stands in the way of a real booking.
    """
    if vehicle is not None and vehicle.organisation_id != organisation.pk:
        raise errors.UnknownVehicle()


def _check_vehicle_free(*, vehicle: Vehicle | None, start, end, exclude_booking_id=None) -> None:
    if vehicle is None:
        return
    clash = Booking.objects.occupying().filter(vehicle=vehicle).overlapping(start, end)
    if exclude_booking_id:
        clash = clash.exclude(pk=exclude_booking_id)
    if clash.exists():
        raise errors.VehicleBusy()


def _lock_bay(bay_id: int) -> LoadingBay:
    """Lock the bay's row, then read it and its zone through the rules cache, its version
    checked now (as current as reading the row: rules are not locked either way)."""
    bay = caching.bays_by_pk(lock_ids(LoadingBay, [bay_id]), max_age=0).get(bay_id)
    if bay is None:
        raise errors.BayInactive()
    return bay


def booking_create(
    *,
    bay: LoadingBay,
    organisation: Organisation,
    start: dt.datetime,
    end: dt.datetime,
    vehicle: Vehicle | None = None,
    vehicle_length_m: Decimal | float | None = None,
    vehicle_mass_kg: int | None = None,
    zero_emission: bool | None = None,
    channel: str = Booking.Channel.PORTAL,
    booked_by=None,
    note: str = "",
    now: dt.datetime | None = None,
    held_entry_id: int | None = None,
) -> Booking:
    """Book kerb time at a bay, or raise the BookingError that says why not.

    Give a vehicle, or (for a supplier's vehicle the shop does not know) its
    length, maximum mass and whether it is zero-emission. Time held by a waitlist offer is
    taken for everybody but its holder, who claims it by passing the entry (held_entry_id).
    """
    start, end = _check_local_times(start, end)
    check_own_vehicle(vehicle=vehicle, organisation=organisation)
    facts = vehicle_facts(vehicle=vehicle, length_m=vehicle_length_m,
                          zero_emission=zero_emission, mass_kg=vehicle_mass_kg)
    now = now or localtime.now()
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            return _book(bay_id=bay.pk, start=start, end=end, facts=facts, now=now,
                         held_entry_id=held_entry_id, organisation=organisation,
                         channel=channel, booked_by=booked_by, note=note)
        except _ReferenceTaken:
            continue
    raise RuntimeError("Could not generate a unique booking reference.")


def _book(*, bay_id, start, end, facts: VehicleFacts, now, held_entry_id, **fields) -> Booking:
    """One attempt of booking_create, in one transaction."""
    with transaction.atomic():
        locked_at = time.monotonic()
        bay = _lock_bay(bay_id)
        check_rules(bay=bay, start=start, end=end, facts=facts, now=now)
        clean = booking_zero_emission(bay=bay, start=start, end=end, facts=facts)
        # the rules version read with the lock is as current as reading it again
        _check_fits(bay=bay, start=start, end=end, length_cm=to_cm(facts.length_m),
                    zero_emission=clean, rules_max_age=time.monotonic() - locked_at,
                    held_entry_id=held_entry_id)
        _check_vehicle_free(vehicle=facts.vehicle, start=start, end=end)
        check_quota(zone=bay.zone, organisation_id=fields["organisation"].pk, start=start,
                    end=end)
        return booking_events.booking_confirmed(_insert_booking(
            bay=bay, vehicle=facts.vehicle, start=start, end=end,
            vehicle_length_m=facts.length_m, vehicle_mass_kg=facts.mass_kg, zero_emission=clean,
            **fields,
        ))


VEHICLE_EXCLUSION = "booking_vehicle_not_in_two_places"
#: a new reference clashes with a stored one about once in 10^10 per stored booking
REFERENCE_ATTEMPTS = 3


class _ReferenceTaken(Exception):
    """The drawn reference is already stored; the transaction is rolled back and retried
    (cheaper than a savepoint around every insert, for something this rare)."""


def _insert_booking(**fields) -> Booking:
    vehicle = fields["vehicle"]
    try:
        return create_with_history(
            Booking, reference=new_reference(), plate=vehicle.plate if vehicle else "", **fields
        )
    except IntegrityError as exc:
        if VEHICLE_EXCLUSION in str(exc):
            # Another bay's booker took this vehicle meanwhile (their lock is not ours);
            # PostgreSQL's exclusion constraint refused the second stay.
            raise errors.VehicleBusy() from exc
        if "reference" in str(exc):
            raise _ReferenceTaken() from exc
        raise


def booking_cancel(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Cancel a confirmed booking. Cancelling twice is refused, not repeated."""
    return _transition(
        booking,
        allowed_from=[Booking.Status.CONFIRMED],
        to=Booking.Status.CANCELLED,
        stamp_field="cancelled_at",
        now=now,
    )


def booking_reschedule(
    *,
    booking: Booking,
    start: dt.datetime,
    end: dt.datetime,
    bay: LoadingBay | None = None,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
    guard=None,
) -> Booking:
    """Move a confirmed booking to another time (and bay, and vehicle of its organisation)
    or leave it where it was.

    ``guard(current)`` runs on the locked row and raises to refuse (taking an offered
    alternative checks under the lock that it is still offered). A move clears the mark of
    a rule change: the booking stands on rules that allow it again.
    """
    start, end = _check_local_times(start, end)
    now = now or localtime.now()
    target_bay_id = bay.pk if bay else booking.bay_id
    with transaction.atomic():
        locked = lock_rows(
            LoadingBay.objects.select_related("zone"), {target_bay_id, booking.bay_id}
        )
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        if current.status != Booking.Status.CONFIRMED:
            raise errors.InvalidState()
        if guard is not None:
            guard(current)
        bay = next(b for b in locked if b.pk == target_bay_id)
        if vehicle is not None:
            check_own_vehicle(vehicle=vehicle, organisation=current.organisation)
            facts = vehicle_facts(vehicle=vehicle, length_m=None, zero_emission=None)
        else:
            facts = vehicle_facts(vehicle=current.vehicle, length_m=current.vehicle_length_m,
                                  zero_emission=current.zero_emission,
                                  mass_kg=current.vehicle_mass_kg)
        check_rules(bay=bay, start=start, end=end, facts=facts, now=now)
        _check_fits(
            bay=bay,
            start=start,
            end=end,
            length_cm=to_cm(facts.length_m),
            zero_emission=(clean := booking_zero_emission(bay=bay, start=start, end=end,
                                                          facts=facts)),
            exclude_booking_id=current.pk,
        )
        _check_vehicle_free(
            vehicle=facts.vehicle, start=start, end=end, exclude_booking_id=current.pk
        )
        check_quota(zone=bay.zone, organisation_id=current.organisation_id, start=start,
                    end=end, exclude_booking_id=current.pk)
        old_bay_id, old_start, old_end = current.bay_id, current.start, current.end
        current.bay, current.start, current.end = bay, start, end
        moved = ["bay", "start", "end", "updated_at", *_clear_affected(current)]
        if vehicle is not None:
            current.vehicle, current.plate = vehicle, vehicle.plate
            current.vehicle_length_m, current.zero_emission = facts.length_m, clean
            moved += ["vehicle", "plate", "vehicle_length_m", "zero_emission"]
        current.save(update_fields=moved)
        booking_events.booking_rescheduled(current, old_bay_id=old_bay_id, old_start=old_start,
                                           old_end=old_end, now=now)
        return current


def _clear_affected(booking: Booking) -> list[str]:
    """Forget a rule change's mark and its offers; the fields to save."""
    booking.affected_at, booking.affected_reason, booking.affected_alternatives = None, "", []
    return ["affected_at", "affected_reason", "affected_alternatives"]


def _transition(booking: Booking, *, allowed_from, to, stamp_field=None, now=None,
                guard=None) -> Booking:
    """Change status only from an allowed one, under a row lock so two clicks act once.

    ``guard(current, now)`` runs under the lock and raises to refuse: a time rule
    decided on the locked row cannot race a late check-in or a second release.
    save() rather than a bare UPDATE so that the change lands in the booking's history.
    """
    now = now or localtime.now()
    with transaction.atomic():
        # of=self: the bay and zone rows are read, not locked (reschedule locks bay first)
        current = Booking.objects.select_for_update(of=("self",)).select_related(
            "bay__zone", "organisation").get(pk=booking.pk)
        if current.status not in allowed_from:
            raise errors.InvalidState()
        if guard is not None:
            guard(current, now)
        current.status = to
        fields = ["status", "updated_at"]
        if stamp_field:
            setattr(current, stamp_field, now)
            fields.append(stamp_field)
        if to == Booking.Status.CANCELLED:
            fields.extend(_clear_affected(current))
        current.save(update_fields=fields)
        booking_events.status_changed(current, now=now)
    return current


def check_in_window(booking: Booking) -> tuple[dt.datetime, dt.datetime]:
    """[opens, closes): from the zone's check-in lead before the start until the end."""
    opens = localtime.later(booking.start, -booking.bay.zone.check_in_opens_minutes)
    return opens, booking.end


def _inside_check_in_window(booking: Booking, now) -> None:
    opens, closes = check_in_window(booking)
    if now < opens:
        raise errors.CheckInNotOpen(minutes=booking.bay.zone.check_in_opens_minutes)
    if now >= closes:
        raise errors.CheckInClosed()


def booking_check_in(*, booking: Booking, now=None) -> Booking:
    """The vehicle is at the bay: allowed from the zone's check-in lead until the end.

    Driver, carrier API and officer all come here, so all follow the same window.
    """
    return _transition(
        booking,
        allowed_from=[Booking.Status.CONFIRMED],
        to=Booking.Status.CHECKED_IN,
        stamp_field="checked_in_at",
        now=now,
        guard=_inside_check_in_window,
    )


def booking_check_out(*, booking: Booking, now=None) -> Booking:
    """The vehicle left; leaving before the end frees the rest of the booked time."""
    return _transition(
        booking,
        allowed_from=[Booking.Status.CHECKED_IN],
        to=Booking.Status.COMPLETED,
        stamp_field="checked_out_at",
        now=now,
    )


def _has_started(booking: Booking, now) -> None:
    if booking.start > now:
        raise errors.InvalidState(reason="not_started")


def booking_mark_no_show(*, booking: Booking, now=None) -> Booking:
    """An officer (or the release task) records that the vehicle did not come; frees the rest."""
    return _transition(
        booking, allowed_from=[Booking.Status.CONFIRMED], to=Booking.Status.NO_SHOW, now=now,
        guard=_has_started,
    )


def _grace_has_passed(booking: Booking, now) -> None:
    grace_ends = localtime.later(booking.start, booking.bay.zone.no_show_grace_minutes)
    if now < grace_ends:
        raise errors.InvalidState(reason="grace_period")


def release_no_shows(*, now: dt.datetime | None = None) -> list[Booking]:
    """Bookings not checked in within their zone's grace period become no-shows.

    Run every minute by beat; running it twice, or while a driver checks in
    late, changes each booking once: the status is decided under the row lock.
    """
    now = now or localtime.now()
    # a booking checked in, cancelled or still in its grace period is skipped
    return _transition_each(
        Booking.objects.filter(status=Booking.Status.CONFIRMED, start__lte=now),
        allowed_from=[Booking.Status.CONFIRMED], to=Booking.Status.NO_SHOW, now=now,
        guard=_grace_has_passed)


def complete_overdue(*, now: dt.datetime | None = None) -> list[Booking]:
    """Checked-in bookings past their end without a check-out are completed (no check-out time
    is recorded: the vehicle's departure is not known)."""
    now = now or localtime.now()
    # a booking checked out meanwhile is skipped
    return _transition_each(
        Booking.objects.filter(status=Booking.Status.CHECKED_IN, end__lte=now),
        allowed_from=[Booking.Status.CHECKED_IN], to=Booking.Status.COMPLETED, now=now)


def _transition_each(candidates, **transition) -> list[Booking]:
    """_transition every candidate, each in its own transaction; those whose locked row no
    longer allows it (another process moved it first) are left out of the result."""
    changed = []
    for pk in candidates.values_list("pk", flat=True):
        try:
            changed.append(_transition(Booking(pk=pk), **transition))
        except errors.InvalidState:
            continue
    return changed
