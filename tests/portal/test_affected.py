"""An affected booking in the portal: a badge in the list, the reason and the alternatives on
its page, and a one-click move to an offered alternative."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.affected import closure_save
from bookings.models import Booking
from bookings.services import booking_create
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.html_forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def affected(shop, bay, other_bay):
    booking = booking_create(bay=bay, organisation=shop, vehicle_length_m=6,
                             vehicle_mass_kg=3500, zero_emission=False,
                             start=at(FRIDAY, "08:00"),
                             end=at(FRIDAY, "08:30"))
    closure_save(Closure(bay=bay, reason="market", start_date=FRIDAY, end_date=FRIDAY,
                         start_time=dt.time(7), end_time=dt.time(9)))
    booking.refresh_from_db()
    return booking


def test_the_list_shows_a_badge_with_the_reason(client_owner, affected):
    html = client_owner.get(reverse("portal:bookings")).content.decode()
    assert "status-affected" in html and "The bay is closed" in html


def test_the_page_shows_the_reason_and_moves_to_an_alternative_with_one_click(
        client_owner, affected, other_bay):
    page = client_owner.get(reverse("portal:booking", args=[affected.reference]))
    html = page.content.decode()
    assert 'id="affected"' in html and "The bay is closed" in html
    assert "Move to this alternative" in html
    action = reverse("portal:booking_alternative", args=[affected.reference])
    forms = [index for index in range(html.count("<form"))
             if action in html.split("<form")[index + 1].split(">")[0]]
    data = form_data(html, forms[0])
    assert data["bay"] == [str(other_bay.pk)]
    response = client_owner.post(action, data)
    assert response.status_code == 302
    moved = Booking.objects.get(pk=affected.pk)
    assert (moved.bay_id, moved.start, moved.is_affected) == (other_bay.pk,
                                                              at(FRIDAY, "08:00"), False)


def test_a_slot_that_was_not_offered_is_refused_with_a_message(client_owner, affected, bay,
                                                               other_bay):
    action = reverse("portal:booking_alternative", args=[affected.reference])
    response = client_owner.post(action, {"bay": other_bay.pk,
                                          "start": at(FRIDAY, "10:00").isoformat()}, follow=True)
    assert "were not offered as an alternative" in response.content.decode()
    assert Booking.objects.get(pk=affected.pk).bay_id == bay.pk
    for nonsense in ({"bay": "99999999999999999999", "start": "x"}, {}):
        assert client_owner.post(action, nonsense).status_code == 302
    assert Booking.objects.get(pk=affected.pk).bay_id == bay.pk


def test_another_shops_booking_is_not_found(client_stranger, affected, other_bay):
    action = reverse("portal:booking_alternative", args=[affected.reference])
    option = affected.affected_alternatives[0]
    response = client_stranger.post(action, {"bay": option["bay_id"], "start": option["start"]})
    assert response.status_code == 404
    assert Booking.objects.get(pk=affected.pk).is_affected
