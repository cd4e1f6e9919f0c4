"""A full time can be waited for; a cancellation offers it to the first in line."""

import pytest

from bookings import waitlist
from bookings.models import WaitlistEntry
from bookings.services import booking_cancel, booking_create
from notifications.models import Notification
from places import localtime
from tests.conftest import FRIDAY, at
from tests.factories import OrganisationFactory, VehicleFactory
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

from .conftest import booking_body, key_client, problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
WAITLIST = "/api/v1/waitlist/"


@pytest.fixture
def full_bay(bay):
    """Two other carriers fill the bay from 08:00 to 08:30."""
    bookings = []
    for _n in range(2):
        vehicle = VehicleFactory()
        bookings.append(booking_create(bay=bay, organisation=vehicle.organisation,
                                       vehicle=vehicle, start=at(FRIDAY, "08:00"),
                                       end=at(FRIDAY, "08:30")))
    return bay, bookings


def test_a_carrier_joins_the_waitlist_only_when_the_time_is_full(owner, full_bay, van):
    bay, _bookings = full_bay
    joined = owner.post(WAITLIST, booking_body(bay, van), format="json")
    assert joined.status_code == 201, joined.content
    assert joined.json()["status"] == "waiting"
    free = owner.post(WAITLIST, booking_body(bay, van, "09:00", "09:30"), format="json")
    assert free.status_code == 409 and problem(free)["code"] == "room_available"


def test_a_cancellation_offers_the_time_to_the_first_in_line(owner, full_bay, van, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    bay, bookings = full_bay
    webhook_services.endpoint_create(organisation=van.organisation,
                                     url="http://127.0.0.1:9/hook")
    first = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    second_carrier = key_client(OrganisationFactory())
    second_van = VehicleFactory(organisation=second_carrier.organisation)
    second = second_carrier.post(WAITLIST, booking_body(bay, second_van), format="json").json()
    booking_cancel(booking=bookings[0])
    offered = owner.get(f"{WAITLIST}{first['id']}/").json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    assert WaitlistEntry.objects.get(pk=second["id"]).status == "waiting"
    assert Notification.objects.get(organisation=van.organisation).kind == "waitlist.offer"
    assert WebhookEvent.objects.get(event_type="waitlist.offer").payload["bay"] == bay.code
    accepted = owner.post(f"{WAITLIST}{first['id']}/accept/")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["start"] == "2026-03-27T08:00:00+01:00"
    assert WaitlistEntry.objects.get(pk=first["id"]).status == "accepted"


def test_an_expired_offer_passes_to_the_next_in_line(owner, full_bay, van, time_machine):
    bay, bookings = full_bay
    first = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    other = VehicleFactory()
    second = waitlist.waitlist_join(organisation=other.organisation, bay=bay, vehicle=other,
                                    start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    booking_cancel(booking=bookings[0])
    time_machine.move_to(localtime.later(localtime.now(), 16), tick=False)
    assert waitlist.expire_offers() == 1
    assert WaitlistEntry.objects.get(pk=first["id"]).status == "expired"
    second.refresh_from_db()
    assert second.status == "offered"
    late = owner.post(f"{WAITLIST}{first['id']}/accept/")
    assert late.status_code == 409 and problem(late)["code"] == "offer_not_open"


def test_a_withdrawn_entry_leaves_the_line(owner, full_bay, van):
    bay, _bookings = full_bay
    entry = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    assert owner.post(f"{WAITLIST}{entry['id']}/withdraw/").json()["status"] == "withdrawn"
    assert owner.post(f"{WAITLIST}{entry['id']}/withdraw/").status_code == 409


@pytest.mark.parametrize("method, suffix", [("get", ""), ("post", "accept/"),
                                            ("post", "withdraw/")])
def test_another_organisations_waitlist_entry_answers_404(owner, stranger, anonymous, full_bay,
                                                          van, method, suffix):
    bay, _bookings = full_bay
    entry = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    url = f"{WAITLIST}{entry['id']}/{suffix}"
    assert getattr(stranger, method)(url).status_code == 404
    assert getattr(anonymous, method)(url).status_code in (401, 403)
    assert stranger.get(WAITLIST).json()["count"] == 0
