"""Dock slots and storage at a hub: the same capacity pattern as kerb bookings.

Each operation locks the hub row, then its doors (bookings.locking.lock_rows,
id order), recomputes what is free from the reservation rows and inserts, in
one transaction; so racing carriers never over-fill a door or the storage.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from bookings import errors as booking_errors
from bookings.locking import lock_rows
from bookings.services import check_own_vehicle
from places import localtime

from .. import errors, events
from ..models import DockDoor, DockReservation, Hub, ReservationStatus, StorageReservation
from ..selectors import DockDay, dock_day, last_bookable_day, storage_free_by_day, to_cm

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_STORAGE_DAYS = 90


def new_reference(prefix: str) -> str:
    return prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def lock_hub(hub_id: int) -> Hub:
    """Lock the hub and its doors, in that order (ids ascending within each table)."""
    locked = lock_rows(Hub.objects.all(), [hub_id])
    if not locked or not locked[0].is_active:
        raise errors.HubInactive()
    lock_rows(DockDoor.objects.all(), DockDoor.objects.filter(hub_id=hub_id).values_list("pk",
                                                                                        flat=True))
    return locked[0]


def local_instant(value: dt.datetime) -> dt.datetime:
    """An instant given to a service, in local time; a naive time, or a wall time the clock
    change skips or repeats, is refused as a BookingError (never a crash, never a guess)."""
    try:
        return localtime.check_aware(value)
    except localtime.LocalTimeError as exc:
        raise booking_errors.InvalidLocalTime(exc.message, reason=exc.code) from exc


def _check_times(hub: Hub, start, end, now) -> tuple[dt.datetime, dt.datetime]:
    start, end = local_instant(start), local_instant(end)
    if end <= start:
        raise booking_errors.EndBeforeStart()
    if start.second or start.microsecond or end.second or end.microsecond:
        raise booking_errors.NotOnGrid()
    if start < now:
        raise booking_errors.InThePast()
    _check_book_ahead(hub, start.date(), now)
    if localtime.elapsed(start, end) > dt.timedelta(minutes=hub.max_dock_minutes):
        raise errors.DockStayTooLong()
    return start, end


def _check_book_ahead(hub: Hub, day: dt.date, now) -> None:
    """The one book-ahead limit of a hub, for dock slots (also a chain's) and storage."""
    last_day = last_bookable_day(hub, now)
    if day > last_day:
        raise booking_errors.TooFarAhead(_("This hub cannot be reserved that far ahead."),
                                         last_day=last_day.isoformat())


def _pick_door(plan: DockDay, start: int, end: int, length_cm: int, municipality_id):
    """The smallest free door that takes the vehicle, or the error that says why there is none."""
    if not any(to_cm(door.max_vehicle_length_m) >= length_cm for door in plan.doors):
        raise errors.NoDoorFits()
    if not plan.is_open(start, end):
        raise errors.OutsideOpeningHours()
    if plan.is_closed(start, end):
        raise errors.HubClosed()
    if not plan.share_left(municipality_id, start, end):
        raise errors.ShareUsedUp()
    doors = plan.free_doors(start, end, length_cm)
    if not doors:
        raise errors.DockFull()
    return doors[0]


def _find_door(hub: Hub, start, end, length_cm: int, municipality_id, exclude_id=None):
    day = start.date()
    plan = dock_day(hub, day, exclude_id=exclude_id)
    return _pick_door(plan, localtime.minute_of_day(day, start),
                      localtime.minute_of_day(day, end), length_cm, municipality_id)


def dock_reservation_create(
    *,
    hub: Hub,
    organisation,
    start: dt.datetime,
    end: dt.datetime,
    vehicle=None,
    vehicle_length_m: Decimal | float | None = None,
    municipality=None,
    booked_by=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> DockReservation:
    """Reserve a dock door for an inbound truck, or raise the error that says why not.

    The smallest free door long enough for the vehicle is taken.
    """
    now = now or localtime.now()
    start, end = _check_times(hub, start, end, now)
    check_own_vehicle(vehicle=vehicle, organisation=organisation)
    length = Decimal(str(vehicle.length_m if vehicle else vehicle_length_m or 0))
    if length <= 0:
        raise booking_errors.BookingError(reason="vehicle_required")
    with transaction.atomic():
        hub = lock_hub(hub.pk)
        municipality_id = charged_municipality_id(hub=hub, organisation=organisation,
                                                  stated=municipality)
        door = _find_door(hub, start, end, to_cm(length), municipality_id)
        reservation = _insert(
            DockReservation, "D", hub=hub, door=door, organisation=organisation,
            municipality_id=municipality_id, vehicle=vehicle,
            plate=vehicle.plate if vehicle else "", vehicle_length_m=length,
            start=start, end=end, booked_by=booked_by, note=note,
        )
        events.dock_reservation_created(reservation)
        return reservation


def charged_municipality_id(*, hub: Hub, organisation, stated=None) -> int | None:
    """Whose share of the hub's doors a reservation uses; every reservation is charged to one.

    The municipality stated by the booker, if it shares the hub (a municipality's own
    organisation may state only its own); else the booker's own municipality when it
    shares the hub; else the hub's only share. A hub with several shares and none of
    these answers needs the booker to say: leaving it out must not dodge the shares.
    A hub without shares charges nobody.
    """
    sharing = set(hub.shares.values_list("municipality_id", flat=True))
    if not sharing:
        return None
    own = getattr(organisation, "municipality_id", None)
    if stated is not None:
        if own and stated.pk != own:
            raise errors.MunicipalityNotAllowed()
        if stated.pk not in sharing:
            raise errors.MunicipalityNotSharing()
        return stated.pk
    if own in sharing:
        return own
    if len(sharing) == 1:
        return next(iter(sharing))
    raise errors.MunicipalityRequired()


def _insert(model, prefix, **fields):
    for _attempt in range(3):
        reference = new_reference(prefix)
        try:
            with transaction.atomic():
                return model.objects.create(reference=reference, **fields)
        except IntegrityError:
            # A reference collision (1 in 10^10) is retried with a new one; anything
            # else (PostgreSQL's one-truck-per-door constraint) is not ours to hide.
            if not model.objects.filter(reference=reference).exists():
                raise
    raise RuntimeError("Could not generate a unique reference.")


def dock_reservation_move(
    *, reservation: DockReservation, start: dt.datetime, end: dt.datetime, now=None
) -> DockReservation:
    """Move a confirmed dock slot to another time (any fitting door), or leave it as it was."""
    now = now or localtime.now()
    with transaction.atomic():
        hub = lock_hub(reservation.hub_id)
        start, end = _check_times(hub, start, end, now)
        current = DockReservation.objects.select_for_update().get(pk=reservation.pk)
        if current.status != ReservationStatus.CONFIRMED:
            raise errors.InvalidReservationState()
        current.door = _find_door(hub, start, end, to_cm(current.vehicle_length_m),
                                  current.municipality_id, exclude_id=current.pk)
        current.start, current.end = start, end
        current.save(update_fields=["door", "start", "end"])
        return current


def dock_reservation_cancel(*, reservation: DockReservation, now=None) -> DockReservation:
    """Cancel a confirmed dock slot (and the chain it starts, if any). Twice is refused."""
    from .chains import chain_cancel

    now = now or localtime.now()
    with transaction.atomic():
        changed = DockReservation.objects.filter(
            pk=reservation.pk, status=ReservationStatus.CONFIRMED
        ).update(status=ReservationStatus.CANCELLED, cancelled_at=now)
        if not changed:
            raise errors.InvalidReservationState()
        reservation.refresh_from_db()
        events.dock_reservation_cancelled(reservation)
        chain = getattr(reservation, "chain", None)
        if chain is not None and chain.status == chain.Status.BOOKED:
            chain_cancel(chain=chain, now=now)
    return reservation


def storage_reservation_create(
    *, hub: Hub, organisation, pallets: int, start_date: dt.date, end_date: dt.date,
    note: str = "", now: dt.datetime | None = None,
) -> StorageReservation:
    """Reserve pallet places for every day from start_date to end_date (inclusive).

    The first day lies between today and the hub's last bookable day, as a dock slot's;
    a reservation runs for at most MAX_STORAGE_DAYS days.
    """
    now = now or localtime.now()
    if pallets <= 0:
        raise errors.HubError(reason="pallets")
    if end_date < start_date:
        raise booking_errors.EndBeforeStart()
    if start_date < now.astimezone(localtime.LOCAL).date():
        raise booking_errors.InThePast()
    _check_book_ahead(hub, start_date, now)
    if (end_date - start_date).days >= MAX_STORAGE_DAYS:
        raise errors.HubError(reason="too_many_days")
    with transaction.atomic():
        hub = lock_hub(hub.pk)
        free = storage_free_by_day(hub, start_date, end_date)
        if min(free.values()) < pallets:
            raise errors.StorageFull()
        reservation = _insert(
            StorageReservation, "S", hub=hub, organisation=organisation, pallets=pallets,
            start_date=start_date, end_date=end_date, note=note,
        )
        events.storage_reservation_created(reservation)
        return reservation


def storage_reservation_cancel(*, reservation: StorageReservation, now=None):
    now = now or localtime.now()
    with transaction.atomic():
        changed = StorageReservation.objects.filter(
            pk=reservation.pk, status=ReservationStatus.CONFIRMED
        ).update(status=ReservationStatus.CANCELLED, cancelled_at=now)
        if not changed:
            raise errors.InvalidReservationState()
        reservation.refresh_from_db()
        events.storage_reservation_cancelled(reservation)
    return reservation
