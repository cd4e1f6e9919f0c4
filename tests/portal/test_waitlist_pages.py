"""The portal's waitlist: wait for a taken slot, see the offer that holds it, claim or leave."""

import pytest
from django.test import TestCase

from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_cancel
from tests.conftest import FRIDAY, at
from tests.portal.conftest import english_client

from .test_pages import grid_query, minute, someone_elses_booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def join(client, bay, hhmm, token="w-1"):
    data = {**grid_query(), "wait": f"wait:{bay.pk}@{minute(hhmm)}", "token": token}
    return client.post("/portal/waitlist/", data)


@pytest.fixture
def taken(bay):
    return someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"))


def test_a_taken_cell_of_the_grid_joins_the_waitlist(client_owner, bay, taken):
    page = client_owner.get("/portal/book/", grid_query()).content.decode()
    assert f'value="wait:{bay.pk}@{minute("08:00")}"' in page
    assert 'formaction="/portal/waitlist/"' in page
    response = join(client_owner, bay, "08:00")
    assert response.status_code == 302 and response["Location"] == "/portal/waitlist/"
    entry = WaitlistEntry.objects.get()
    assert (entry.bay, entry.start, entry.end) == (bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"))
    assert "BRS-1" in client_owner.get("/portal/waitlist/").content.decode()


def test_the_same_join_form_sent_twice_joins_once(client_owner, bay, taken):
    join(client_owner, bay, "08:00")
    join(client_owner, bay, "08:00")
    assert WaitlistEntry.objects.count() == 1


def test_a_free_time_is_not_waited_for_but_booked(client_owner, bay, taken):
    response = join(client_owner, bay, "10:00")
    assert response.status_code == 409
    assert not WaitlistEntry.objects.exists()
    page = response.content.decode()
    assert "There is room at this time: book it directly." in page
    assert f'value="{bay.pk}@{minute("10:00")}"' in page  # the grid again, to book it


def test_a_forged_wait_value_changes_nothing(client_owner, bay, taken):
    data = {**grid_query(), "wait": "wait:99999999999999999999@1", "token": "w-2"}
    assert client_owner.post("/portal/waitlist/", data).status_code == 422
    assert not WaitlistEntry.objects.exists()


def test_the_offer_shows_as_held_and_the_holder_books_it_with_one_button(
        client_owner, bay, taken):
    join(client_owner, bay, "08:00")
    entry = WaitlistEntry.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=taken)
    page = client_owner.get("/portal/waitlist/").content.decode()
    assert f'id="claim-{entry.pk}"' in page and "Held for you until 06:15" in page
    response = client_owner.post(f"/portal/waitlist/{entry.pk}/claim/", {"confirmed": "yes"})
    booking = Booking.objects.get(status=Booking.Status.CONFIRMED)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/bookings/{booking.reference}/"
    assert booking.channel == Booking.Channel.PORTAL and booking.start == at(FRIDAY, "08:00")
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.ACCEPTED and entry.booking == booking


def test_someone_else_sees_held_time_as_taken_and_cannot_book_it(
        client_owner, client_stranger, bay, taken):
    join(client_owner, bay, "08:00")
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=taken)
    grid = client_stranger.get("/portal/book/", grid_query()).content.decode()
    assert f'value="{bay.pk}@{minute("08:00")}"' not in grid  # no booking button
    assert 'title="taken 08:00"' in grid
    data = {**grid_query(), "slot": f"{bay.pk}@{minute('08:00')}", "token": "s-1"}
    refused = client_stranger.post("/portal/book/confirm/", data)
    assert refused.status_code == 409
    assert "held for a carrier on the waitlist" in refused.content.decode()
    assert not Booking.objects.filter(status=Booking.Status.CONFIRMED).exists()


def test_another_shop_cannot_claim_or_leave_an_entry(client_owner, client_stranger, bay, taken):
    join(client_owner, bay, "08:00")
    entry = WaitlistEntry.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=taken)
    for action in ("claim", "leave"):
        url = f"/portal/waitlist/{entry.pk}/{action}/"
        assert client_stranger.get(url).status_code == 404
        assert client_stranger.post(url, {"confirmed": "yes"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    assert not Booking.objects.filter(status=Booking.Status.CONFIRMED).exists()


def test_leaving_asks_first_then_leaves(client_owner, bay, taken):
    join(client_owner, bay, "08:00")
    entry = WaitlistEntry.objects.get()
    url = f"/portal/waitlist/{entry.pk}/leave/"
    assert "Yes, leave the waitlist" in client_owner.get(url).content.decode()
    client_owner.post(url)  # not confirmed: nothing happens
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING
    assert client_owner.post(url, {"confirmed": "yes"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WITHDRAWN


def test_the_waitlist_page_is_in_dutch_for_a_dutch_shop(owner, bay, taken):
    client = english_client(owner)
    client.cookies["django_language"] = "nl"
    page = client.get("/portal/waitlist/").content.decode()
    assert "Wachtlijst" in page
