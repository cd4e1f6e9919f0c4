"""Every hub-domain change is announced once, from hubs/events.py, in the change's transaction."""

import datetime as dt
import pathlib
from decimal import Decimal

import pytest

from hubs.errors import InvalidReservationState
from hubs.services import (
    chain_cancel,
    chain_create,
    dock_reservation_cancel,
    dock_reservation_create,
    storage_reservation_cancel,
    storage_reservation_create,
)
from notifications.models import Notification
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, HubFactory, OrganisationFactory
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


@pytest.fixture
def carrier():
    carrier = OrganisationFactory(preferred_language="en")
    WebhookEndpoint.objects.create(organisation=carrier, url="https://example.org/hook")
    return carrier


def counts(organisation):
    found = {}
    for kind in WebhookEvent.objects.filter(organisation=organisation).values_list(
            "event_type", flat=True):
        found[kind] = found.get(kind, 0) + 1
    return found


def notified(organisation):
    return sorted(Notification.objects.filter(organisation=organisation)
                  .values_list("kind", flat=True))


def test_a_dock_reservation_made_and_cancelled_is_announced_once_each(carrier):
    hub = HubFactory()
    reservation = dock_reservation_create(
        hub=hub, organisation=carrier, vehicle_length_m=Decimal("7"),
        start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    dock_reservation_cancel(reservation=reservation)
    assert counts(carrier) == {"dock_reservation.created": 1, "dock_reservation.cancelled": 1}
    assert notified(carrier) == ["dock_reservation.cancelled", "dock_reservation.created"]


def test_a_storage_reservation_made_and_cancelled_is_announced_once_each(carrier):
    reservation = storage_reservation_create(hub=HubFactory(), organisation=carrier, pallets=2,
                                             start_date=SATURDAY, end_date=SATURDAY)
    storage_reservation_cancel(reservation=reservation)
    assert counts(carrier) == {"storage_reservation.created": 1,
                               "storage_reservation.cancelled": 1}


def make_chain(carrier):
    return chain_create(
        hub=HubFactory(), organisation=carrier, vehicle_length_m=Decimal("12"),
        delivery_bay=BayFactory(), delivery_vehicle_length_m=Decimal("4"),
        delivery_vehicle_mass_kg=3500,
        inbound_start=at(SATURDAY, "08:00"), inbound_end=at(SATURDAY, "08:30"),
        delivery_start=at(SATURDAY, "09:30"), delivery_end=at(SATURDAY, "09:50"))


@pytest.mark.parametrize("cancel", ["chain", "dock"])
def test_a_chain_and_its_dock_slot_are_each_announced_once_whichever_is_cancelled(
        carrier, cancel):
    chain = make_chain(carrier)
    if cancel == "chain":
        chain_cancel(chain=chain)
    else:
        dock_reservation_cancel(reservation=chain.inbound)
    found = counts(carrier)
    assert {kind: found.get(kind) for kind in (
        "chain.created", "chain.cancelled", "dock_reservation.created",
        "dock_reservation.cancelled", "booking.confirmed", "booking.cancelled")} == {
        "chain.created": 1, "chain.cancelled": 1, "dock_reservation.created": 1,
        "dock_reservation.cancelled": 1, "booking.confirmed": 1, "booking.cancelled": 1}


def test_a_refused_change_announces_nothing(carrier):
    hub = HubFactory()
    reservation = dock_reservation_create(
        hub=hub, organisation=carrier, vehicle_length_m=Decimal("7"),
        start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    dock_reservation_cancel(reservation=reservation)
    with pytest.raises(InvalidReservationState):
        dock_reservation_cancel(reservation=reservation)
    assert counts(carrier)["dock_reservation.cancelled"] == 1


def test_the_notification_is_in_the_recipients_language():
    dutch = OrganisationFactory(preferred_language="nl")
    storage_reservation_create(hub=HubFactory(), organisation=dutch, pallets=3,
                               start_date=SATURDAY, end_date=SATURDAY)
    notice = Notification.objects.get(organisation=dutch)
    assert "gereserveerd" in notice.title and "palletplaatsen" in notice.title


def test_no_other_hubs_module_writes_the_outbox():
    """hubs/events.py is the one place of the hubs app that calls publish_event."""
    root = pathlib.Path(__file__).resolve().parents[2] / "hubs"
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if "publish_event" in p.read_text(encoding="utf-8")
                     or "WebhookEvent" in p.read_text(encoding="utf-8"))
    assert writers == ["events.py"]
