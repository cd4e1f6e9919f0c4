"""A full time can be waited for; a cancellation offers it to the first in line."""

import pytest
from django.test import TestCase

from bookings import waitlist
from bookings.models import Booking, WaitlistEntry
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
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=bookings[0])
    offered = owner.get(f"{WAITLIST}{first['id']}/").json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    assert WaitlistEntry.objects.get(pk=second["id"]).status == "waiting"
    assert Notification.objects.get(organisation=van.organisation).kind == "waitlist.offered"
    assert WebhookEvent.objects.get(event_type="waitlist.offered").payload["bay"] == bay.code
    claimed = owner.post(f"{WAITLIST}{first['id']}/claim/")
    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["start"] == "2026-03-27T08:00:00+01:00"
    assert WaitlistEntry.objects.get(pk=first["id"]).status == "accepted"


def test_an_expired_offer_passes_to_the_next_in_line(owner, full_bay, van, time_machine):
    bay, bookings = full_bay
    first = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    other = VehicleFactory()
    second = waitlist.waitlist_join(organisation=other.organisation, bay=bay, vehicle=other,
                                    start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=bookings[0])
    time_machine.move_to(localtime.later(localtime.now(), 16), tick=False)
    assert waitlist.expire_offers() == 1
    assert WaitlistEntry.objects.get(pk=first["id"]).status == "expired"
    second.refresh_from_db()
    assert second.status == "offered"
    late = owner.post(f"{WAITLIST}{first['id']}/claim/")
    assert late.status_code == 409 and problem(late)["code"] == "offer_not_open"


def test_a_withdrawn_entry_leaves_the_line(owner, full_bay, van):
    bay, _bookings = full_bay
    entry = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    assert owner.post(f"{WAITLIST}{entry['id']}/withdraw/").json()["status"] == "withdrawn"
    assert owner.post(f"{WAITLIST}{entry['id']}/withdraw/").status_code == 409


@pytest.mark.parametrize("method, suffix", [("get", ""), ("post", "claim/"),
                                            ("post", "withdraw/")])
def test_another_organisations_waitlist_entry_answers_404(owner, stranger, anonymous, full_bay,
                                                          van, method, suffix):
    bay, _bookings = full_bay
    entry = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    url = f"{WAITLIST}{entry['id']}/{suffix}"
    assert getattr(stranger, method)(url).status_code == 404
    assert getattr(anonymous, method)(url).status_code in (401, 403)
    assert stranger.get(WAITLIST).json()["count"] == 0


def _offered_to(owner, full_bay, van):
    """The carrier waits for the full 08:00-08:30; one of the others cancels."""
    bay, bookings = full_bay
    entry = owner.post(WAITLIST, booking_body(bay, van), format="json").json()
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=bookings[0])
    return entry


def test_an_offer_holds_its_time_against_everybody_else(owner, full_bay, van):
    bay, _bookings = full_bay
    _offered_to(owner, full_bay, van)
    other = key_client(OrganisationFactory())
    other_van = VehicleFactory(organisation=other.organisation)
    refused = other.post("/api/v1/bookings/", booking_body(bay, other_van), format="json")
    assert refused.status_code == 409 and problem(refused)["code"] == "held_for_waitlist"
    starts = other.get("/api/v1/availability/", {
        "bay": bay.pk, "date": FRIDAY.isoformat(), "duration_minutes": 30,
        "vehicle": other_van.pk}).json()["starts"]
    assert "2026-03-27T08:00:00+01:00" not in starts  # held, as if booked
    assert "2026-03-27T09:00:00+01:00" in starts


def test_the_holder_claims_the_held_time_with_one_call(owner, full_bay, van):
    entry = _offered_to(owner, full_bay, van)
    claimed = owner.post(f"{WAITLIST}{entry['id']}/claim/")
    assert claimed.status_code == 201, claimed.content
    assert WaitlistEntry.objects.get(pk=entry["id"]).booking.reference == claimed.json()[
        "reference"]
    again = owner.post(f"{WAITLIST}{entry['id']}/claim/")
    assert again.status_code == 409 and problem(again)["code"] == "offer_not_open"


def test_another_organisation_cannot_claim_a_held_offer(owner, stranger, full_bay, van):
    entry = _offered_to(owner, full_bay, van)
    before = Booking.objects.count()
    assert stranger.post(f"{WAITLIST}{entry['id']}/claim/").status_code == 404
    assert Booking.objects.count() == before
    assert WaitlistEntry.objects.get(pk=entry["id"]).status == "offered"
