"""Hub-to-shop last mile as one chain: the dock slot and the delivery's kerb time move together."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import errors as booking_errors
from bookings.models import Booking
from bookings.services import booking_create
from hubs import errors
from hubs.models import DockReservation, LastMileChain, ReservationStatus
from hubs.services import (
    chain_cancel,
    chain_create,
    chain_move_delivery,
    chain_move_inbound,
    dock_reservation_cancel,
)
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, HubFactory, OrganisationFactory, VehicleFactory

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)


@pytest.fixture
def chain(frozen_now):
    bay = BayFactory(max_vehicles=1)
    carrier = OrganisationFactory()
    ev = VehicleFactory(organisation=carrier, zero_emission=True, length_m=Decimal("4"))
    return chain_create(
        hub=HubFactory(), organisation=carrier, inbound_start=at(SATURDAY, "08:00"),
        inbound_end=at(SATURDAY, "08:30"), vehicle_length_m=Decimal("12"), delivery_bay=bay,
        delivery_start=at(SATURDAY, "09:30"), delivery_end=at(SATURDAY, "09:50"),
        delivery_vehicle=ev, goods_litres=800,
    )


def test_a_chain_books_the_dock_slot_and_the_zero_emission_delivery_together(chain):
    assert chain.inbound.door.code == "T1"
    assert chain.delivery.status == Booking.Status.CONFIRMED
    assert chain.delivery.zero_emission


def test_a_delivery_before_the_goods_are_handled_refuses_the_whole_chain(frozen_now):
    with pytest.raises(errors.ChainOrder):
        chain_create(
            hub=HubFactory(), organisation=OrganisationFactory(),
            inbound_start=at(SATURDAY, "08:00"), inbound_end=at(SATURDAY, "08:30"),
            vehicle_length_m=Decimal("12"), delivery_bay=BayFactory(),
            delivery_start=at(SATURDAY, "08:45"), delivery_end=at(SATURDAY, "09:00"),
            delivery_vehicle_length_m=Decimal("4"), delivery_vehicle_mass_kg=3500,
        )
    assert not DockReservation.objects.exists()
    assert not Booking.objects.exists()


def test_a_diesel_last_mile_is_refused(frozen_now):
    carrier = OrganisationFactory()
    with pytest.raises(errors.NotZeroEmission):
        chain_create(
            hub=HubFactory(), organisation=carrier,
            inbound_start=at(SATURDAY, "08:00"), inbound_end=at(SATURDAY, "08:30"),
            vehicle_length_m=Decimal("12"), delivery_bay=BayFactory(),
            delivery_start=at(SATURDAY, "09:30"), delivery_end=at(SATURDAY, "09:50"),
            delivery_vehicle=VehicleFactory(organisation=carrier, zero_emission=False),
        )


def test_moving_the_inbound_slot_moves_the_delivery_by_the_same_time(chain):
    chain_move_inbound(chain=chain, start=at(SATURDAY, "09:00"), end=at(SATURDAY, "09:30"))
    chain.refresh_from_db()
    assert chain.inbound.start == at(SATURDAY, "09:00")
    assert (chain.delivery.start, chain.delivery.end) == (at(SATURDAY, "10:30"),
                                                          at(SATURDAY, "10:50"))


def test_when_the_delivery_cannot_move_the_inbound_slot_stays_where_it_was(chain):
    booking_create(bay=chain.delivery.bay, organisation=OrganisationFactory(),
                   start=at(SATURDAY, "10:30"), end=at(SATURDAY, "10:50"),
                   vehicle_length_m=Decimal("5"), vehicle_mass_kg=3500, zero_emission=True)
    with pytest.raises(booking_errors.BayFull):
        chain_move_inbound(chain=chain, start=at(SATURDAY, "09:00"), end=at(SATURDAY, "09:30"))
    chain.refresh_from_db()
    assert chain.inbound.start == at(SATURDAY, "08:00")
    assert chain.delivery.start == at(SATURDAY, "09:30")


def test_when_the_dock_is_full_the_delivery_does_not_move_either(chain):
    from hubs.services import dock_reservation_create

    dock_reservation_create(hub=chain.inbound.hub, organisation=OrganisationFactory(),
                            start=at(SATURDAY, "10:00"), end=at(SATURDAY, "10:30"),
                            vehicle_length_m=Decimal("16"))
    with pytest.raises(errors.DockFull):
        chain_move_inbound(chain=chain, start=at(SATURDAY, "10:00"), end=at(SATURDAY, "10:30"))
    chain.refresh_from_db()
    assert (chain.inbound.start, chain.delivery.start) == (at(SATURDAY, "08:00"),
                                                           at(SATURDAY, "09:30"))


def test_moving_the_delivery_is_rechecked_against_the_inbound_slot(chain):
    with pytest.raises(errors.ChainOrder):
        chain_move_delivery(chain=chain, start=at(SATURDAY, "08:40"), end=at(SATURDAY, "09:00"))
    chain_move_delivery(chain=chain, start=at(SATURDAY, "10:00"), end=at(SATURDAY, "10:20"))
    chain.refresh_from_db()
    assert chain.delivery.start == at(SATURDAY, "10:00")


def test_cancelling_the_dock_slot_cancels_the_whole_chain(chain):
    dock_reservation_cancel(reservation=chain.inbound)
    chain.refresh_from_db()
    assert chain.status == LastMileChain.Status.CANCELLED
    assert chain.delivery.status == Booking.Status.CANCELLED
    with pytest.raises(errors.InvalidReservationState):
        chain_cancel(chain=chain)
    assert chain.inbound.status == ReservationStatus.CANCELLED
