"""Hub-to-shop last mile as one booking chain: inbound dock slot, then kerb time in the zone.

Every operation changes the slot and the delivery together in one transaction,
or changes nothing: a refused delivery rolls the dock slot back, and the other way round.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from bookings import services as bookings
from bookings.models import Booking
from organisations.models import Organisation
from places import localtime

from .. import errors, events
from ..models import DockReservation, LastMileChain
from .docks import dock_reservation_create, dock_reservation_move, local_instant


def _check_order(inbound: DockReservation, delivery_start: dt.datetime, hub) -> None:
    ready = localtime.later(inbound.end, hub.handling_minutes)
    if delivery_start < ready:
        raise errors.ChainOrder()


def _check_parties(*, organisation, last_mile_operator, recipient) -> None:
    """A chain is booked on its carrier's own behalf.

    The last-mile operator's planning runs carry the goods and move the delivery, and the
    carrier moves and cancels the chain: naming another organisation would give it work and
    a booking it never asked for. Venster records no consent to carry for another, so the
    operator is the carrier itself, or none. The recipient only says where the goods go: a
    shop, or the carrier.
    """
    if last_mile_operator is not None and last_mile_operator.pk != organisation.pk:
        raise errors.NotOnOwnBehalf()
    if recipient is not None and recipient.pk != organisation.pk \
            and recipient.kind != Organisation.Kind.SHOP:
        raise errors.RecipientNotAShop()


def chain_create(
    *,
    hub,
    organisation,
    inbound_start: dt.datetime,
    inbound_end: dt.datetime,
    delivery_bay,
    delivery_start: dt.datetime,
    delivery_end: dt.datetime,
    vehicle=None,
    vehicle_length_m: Decimal | float | None = None,
    delivery_vehicle=None,
    delivery_vehicle_length_m: Decimal | float | None = None,
    delivery_vehicle_mass_kg: int | None = None,
    recipient=None,
    last_mile_operator=None,
    goods_litres: int = 0,
    delivery_latest: dt.time | None = None,
    municipality=None,
    booked_by=None,
    channel: str = Booking.Channel.API,
    now: dt.datetime | None = None,
) -> LastMileChain:
    """Reserve the inbound dock slot and book the zero-emission delivery's kerb time together.

    Both are the carrier's (`organisation`): its own vehicles, its own bookings.
    """
    now = now or localtime.now()
    _check_parties(organisation=organisation, last_mile_operator=last_mile_operator,
                   recipient=recipient)
    bookings.check_own_vehicle(vehicle=delivery_vehicle, organisation=organisation)
    if delivery_vehicle is not None and not delivery_vehicle.zero_emission:
        raise errors.NotZeroEmission()
    with transaction.atomic():
        inbound = dock_reservation_create(
            hub=hub, organisation=organisation, start=inbound_start, end=inbound_end,
            vehicle=vehicle, vehicle_length_m=vehicle_length_m, municipality=municipality,
            booked_by=booked_by, now=now,
        )
        _check_order(inbound, local_instant(delivery_start), hub)
        delivery = bookings.booking_create(
            bay=delivery_bay, organisation=organisation,
            start=delivery_start, end=delivery_end, vehicle=delivery_vehicle,
            vehicle_length_m=None if delivery_vehicle else delivery_vehicle_length_m,
            vehicle_mass_kg=None if delivery_vehicle else delivery_vehicle_mass_kg,
            zero_emission=None if delivery_vehicle else True,
            channel=channel, booked_by=booked_by, note=f"last mile {inbound.reference}", now=now,
        )
        chain = LastMileChain.objects.create(
            inbound=inbound, delivery=delivery, recipient=recipient,
            last_mile_operator=last_mile_operator, goods_litres=goods_litres,
            delivery_latest=delivery_latest,
        )
        events.chain_created(chain)
        return chain


def _locked_chain(chain: LastMileChain) -> LastMileChain:
    current = LastMileChain.objects.select_for_update().select_related(
        "inbound__hub", "delivery"
    ).get(pk=chain.pk)
    if current.status != LastMileChain.Status.BOOKED:
        raise errors.InvalidReservationState()
    return current


def chain_move_inbound(
    *, chain: LastMileChain, start: dt.datetime, end: dt.datetime, now=None
) -> LastMileChain:
    """Move the dock slot; the delivery moves by the same real time, or nothing moves."""
    now = now or localtime.now()
    with transaction.atomic():
        current = _locked_chain(chain)
        shift = localtime.elapsed(current.inbound.start, local_instant(start))
        minutes = shift.total_seconds() / 60
        inbound = dock_reservation_move(reservation=current.inbound, start=start, end=end, now=now)
        delivery_start = localtime.later(current.delivery.start, minutes)
        delivery_end = localtime.later(current.delivery.end, minutes)
        _check_order(inbound, delivery_start, inbound.hub)
        bookings.booking_reschedule(
            booking=current.delivery, start=delivery_start, end=delivery_end, now=now
        )
    current.refresh_from_db()
    return current


def chain_move_delivery(
    *, chain: LastMileChain, start: dt.datetime, end: dt.datetime, bay=None, now=None
) -> LastMileChain:
    """Move the delivery's kerb time; it is re-checked against the inbound slot first."""
    now = now or localtime.now()
    with transaction.atomic():
        current = _locked_chain(chain)
        _check_order(current.inbound, local_instant(start), current.inbound.hub)
        bookings.booking_reschedule(booking=current.delivery, start=start, end=end, bay=bay,
                                    now=now)
    current.refresh_from_db()
    return current


def chain_cancel(*, chain: LastMileChain, now=None) -> LastMileChain:
    """Cancel the whole chain: dock slot and delivery booking."""
    from ..models import ReservationStatus

    now = now or localtime.now()
    with transaction.atomic():
        changed = LastMileChain.objects.filter(
            pk=chain.pk, status=LastMileChain.Status.BOOKED
        ).update(status=LastMileChain.Status.CANCELLED)
        if not changed:
            raise errors.InvalidReservationState()
        inbound_cancelled = DockReservation.objects.filter(
            pk=chain.inbound_id, status=ReservationStatus.CONFIRMED
        ).update(status=ReservationStatus.CANCELLED, cancelled_at=now)
        delivery = Booking.objects.get(pk=chain.delivery_id)
        if delivery.status == Booking.Status.CONFIRMED:
            bookings.booking_cancel(booking=delivery, now=now)
        chain.refresh_from_db()
        chain.inbound.refresh_from_db()
        if inbound_cancelled:  # not when the dock slot's own cancellation got here first
            events.dock_reservation_cancelled(chain.inbound)
        events.chain_cancelled(chain)
    return chain
