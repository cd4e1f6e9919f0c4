"""The shop portal, page by page, through Django's test client."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from api.models import OrganisationAPIKey
from bookings.models import Booking, BookingRequest, BookingSeries
from bookings.services import booking_create
from hubs.models import PickupRequest
from notifications.models import Notification
from places.models import Closure
from portal.models import FormSubmission
from tests.conftest import FRIDAY, at
from tests.factories import UserFactory, VehicleFactory
from tests.portal.conftest import english_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

PAGES = [
    "/portal/", "/portal/profile/", "/portal/map/", "/portal/book/", "/portal/bookings/",
    "/portal/recurring/new/", "/portal/requests/", "/portal/pickups/",
    "/portal/notifications/", "/portal/api-keys/",
]


def minute(hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return hours * 60 + minutes


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def grid_query(day=FRIDAY, **extra):
    return {"day": day.isoformat(), "vehicle_length_m": "6",
            "vehicle_mass_kg": 3500, "duration": "30", **extra}


def book_post(client, bay, hhmm, *, day=FRIDAY, token="t-1", **extra):
    data = {**grid_query(day), "slot": f"{bay.pk}@{minute(hhmm)}", "token": token, **extra}
    return client.post("/portal/book/confirm/", data)


def someone_elses_booking(bay, start, end, organisation=None):
    from tests.factories import OrganisationFactory

    return booking_create(bay=bay, organisation=organisation or OrganisationFactory(),
                          start=start, end=end, vehicle_length_m=Decimal("6"), vehicle_mass_kg=3500,
                          zero_emission=False)


# --- Who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_portal_page_asks_an_anonymous_visitor_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_every_portal_page_opens_for_a_member_of_a_shop(client_owner, url):
    assert client_owner.get(url).status_code == 200


def test_a_person_without_an_organisation_is_refused(bay):
    client = english_client(UserFactory(username="loner"))
    assert client.get("/portal/book/").status_code == 403


def test_a_shopkeeper_cannot_see_or_change_another_shops_booking(client_stranger, owner, bay):
    from organisations.selectors import organisation_of

    booking = someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"),
                                    organisation_of(owner))
    ref = booking.reference
    assert client_stranger.get(f"/portal/bookings/{ref}/").status_code == 404
    assert client_stranger.get(f"/portal/bookings/{ref}/cancel/").status_code == 404
    assert client_stranger.post(f"/portal/bookings/{ref}/cancel/", CONFIRMED).status_code == 404
    assert client_stranger.post(f"/portal/bookings/{ref}/reschedule/", {}).status_code == 404
    assert ref not in client_stranger.get("/portal/bookings/").content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_shopkeeper_cannot_touch_another_shops_requests_pickups_series_or_keys(
    client_stranger, client_owner, shop, bay
):
    client_owner.post("/portal/pickups/", pickup_form())
    pickup = PickupRequest.objects.get(organisation=shop)
    cancel = f"/portal/pickups/{pickup.pk}/cancel/"
    assert client_stranger.post(cancel, CONFIRMED).status_code == 404
    series = BookingSeries.objects.create(
        organisation=shop, bay=bay, vehicle_length_m=6,
        vehicle_mass_kg=3500, zero_emission=False, weekdays=[4],
        start_time=dt.time(8), duration_minutes=30, first_day=FRIDAY, until=FRIDAY,
    )
    assert client_stranger.get(f"/portal/recurring/{series.pk}/").status_code == 404
    assert client_stranger.post("/portal/requests/RNOPE/withdraw/", CONFIRMED).status_code == 404
    client_owner.post("/portal/api-keys/", {"name": "till"})
    key = OrganisationAPIKey.objects.get(organisation=shop)
    assert client_stranger.post(f"/portal/api-keys/{key.pk}/revoke/", CONFIRMED).status_code == 404
    key.refresh_from_db()
    assert not key.revoked
    Notification.objects.create(organisation=shop, kind="booking.confirmed", title="Ours only")
    assert "Ours only" not in client_stranger.get("/portal/notifications/").content.decode()


# --- Signing in -------------------------------------------------------------------------------


def test_signing_in_switches_to_the_shops_preferred_language(owner, shop):
    shop.preferred_language = "en"
    shop.save()
    response = Client().post("/accounts/login/", {"username": "owner",
                                                  "password": "secret-pass-123"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert response.cookies["django_language"].value == "en"


def test_the_portal_speaks_dutch_by_default(owner, bay):
    client = Client()
    client.force_login(owner)
    page = client.get("/portal/book/").content.decode()
    assert 'lang="nl"' in page
    assert "Boek een plek" in page


def test_a_wrong_password_is_refused_and_the_username_kept(owner):
    response = english_client().post("/accounts/login/", {"username": "owner",
                                                          "password": "wrong"})
    assert response.status_code == 200
    assert 'value="owner"' in response.content.decode()


def test_password_reset_mails_a_link(owner):
    response = english_client().post("/accounts/password_reset/", {"email": "owner@example.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    assert english_client().get(response["Location"]).status_code == 200
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    client = english_client()
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"})
    assert done.status_code == 302
    assert Client().login(username="owner", password="a-new-long-pass-42")


# --- Profile and map --------------------------------------------------------------------------


def profile_form(**changes):
    data = {"name": "Kaashandel Van Rijn", "street_address": "Breestraat 61",
            "postcode": "2311CJ", "city": "Leiden", "latitude": "52.1582",
            "longitude": "4.4920", "email": "kaas@example.nl", "phone": "071 512 00 00",
            "preferred_language": "nl", "hours_mon": "09:00-18:00", "hours_sat": "10:00-17:00"}
    data.update(changes)
    return data


def test_the_profile_saves_address_point_hours_and_language(client_owner, shop):
    response = client_owner.post("/portal/profile/", profile_form(preferred_language="en"))
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    shop.refresh_from_db()
    assert shop.opening_hours == {"mon": "09:00-18:00", "sat": "10:00-17:00"}
    assert shop.street_address == "Breestraat 61"


def test_the_profile_shows_a_wrong_field_next_to_it_and_keeps_what_was_typed(client_owner):
    response = client_owner.post("/portal/profile/", profile_form(hours_tue="9 till 6"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_hours_tue_error"' in page
    assert "Write the hours as 09:00-18:00." in page
    assert 'value="9 till 6"' in page
    assert 'value="Breestraat 61"' in page


def test_the_map_page_lists_near_bays_with_distance_windows_and_load(
    client_owner, bay, far_bay
):
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "09:00"))
    page = client_owner.get("/portal/map/").content.decode()
    listing = page[page.index('id="bay-list"'):]
    assert "BRS-1" in listing and "FAR-9" not in listing
    assert "m</td>" in listing  # distance in metres
    assert "07:00–11:00" in listing
    assert "1 booking" in listing
    assert "leaflet/leaflet.js" in page  # from our own static files, not a CDN
    assert '"code": "BRS-1"' in page  # the map draws the same bays


# --- The grid and booking ---------------------------------------------------------------------


def test_the_grid_marks_free_taken_and_zero_emission_only_periods(client_owner, bay):
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"))
    page = client_owner.get("/portal/book/", grid_query()).content.decode()
    assert f'value="{bay.pk}@{minute("07:00")}"' in page  # free: a button
    assert f'value="{bay.pk}@{minute("08:00")}"' not in page  # taken: no button
    assert 'title="taken 08:00"' in page
    assert 'title="zero-emission vehicles only 11:00"' in page


def test_in_dutch_a_van_of_six_and_a_half_metres_books_from_the_grid_as_shown(owner, shop, bay):
    from tests.html_forms import form_with
    from tests.markup_numbers import localised_numbers_in_html

    client = Client()
    client.force_login(owner)
    client.cookies["django_language"] = "nl"
    page = client.get("/portal/book/", grid_query(vehicle_length_m="6.5")).content.decode()
    assert 'lang="nl"' in page
    assert localised_numbers_in_html(page) == []
    data = form_with(page, "token")
    response = client.post("/portal/book/confirm/",
                           {**data, "slot": f"{bay.pk}@{minute('08:00')}"})
    assert response.status_code == 302
    assert Booking.objects.get(organisation=shop).vehicle_length_m == Decimal("6.5")


def test_a_zero_emission_vehicle_may_book_the_zero_emission_only_period(client_owner, bay):
    page = client_owner.get("/portal/book/", grid_query(zero_emission="on")).content.decode()
    assert f'value="{bay.pk}@{minute("12:00")}"' in page


def test_picking_a_free_start_books_it_and_confirms_it(client_owner, shop, bay, owner):
    response = book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/bookings/{booking.reference}/"
    assert booking.start == at(FRIDAY, "08:00") and booking.end == at(FRIDAY, "08:30")
    assert booking.channel == Booking.Channel.PORTAL and booking.booked_by == owner
    note = Notification.objects.get(organisation=shop)
    assert note.kind == Notification.Kind.BOOKING_CONFIRMED
    assert booking.reference in note.title


def test_the_same_form_sent_twice_books_once(client_owner, shop, bay):
    first = book_post(client_owner, bay, "08:00", token="same")
    second = book_post(client_owner, bay, "09:00", token="same")
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == "/portal/bookings/"
    assert Booking.objects.filter(organisation=shop).count() == 1


def test_a_refused_booking_frees_its_form_token_for_a_corrected_try(client_owner, shop, bay):
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"))
    assert book_post(client_owner, bay, "08:00", token="retry").status_code == 409
    assert not FormSubmission.objects.filter(token="retry").exists()
    assert book_post(client_owner, bay, "09:00", token="retry").status_code == 302


def test_a_full_slot_says_why_and_offers_other_bays_and_other_times(
    client_owner, shop, bay, other_bay
):
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "09:00"))
    response = book_post(client_owner, bay, "08:00")
    page = response.content.decode()
    assert response.status_code == 409
    assert "The bay is full at this time." in page
    alternatives = page[page.index('id="alt-heading"'):page.index("grid-form")]
    assert f'value="{other_bay.pk}@{minute("08:00")}"' in alternatives  # another bay, same time
    assert f'value="{bay.pk}@{minute("09:00")}"' in alternatives  # same bay, another time
    assert 'value="6.00"' in page or 'value="6"' in page  # the vehicle typed is kept
    assert not Booking.objects.filter(organisation=shop).exists()


def test_a_wanted_time_that_is_full_brings_alternatives_on_the_grid(client_owner, bay):
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "09:00"))
    page = client_owner.get("/portal/book/", grid_query(wanted="08:00")).content.decode()
    assert "Free near your wanted time" in page


def test_the_grid_form_shows_its_errors_next_to_the_fields(client_owner):
    page = client_owner.get("/portal/book/", {"day": "not a day",
                                              "duration": "30"}).content.decode()
    assert 'id="id_day_error"' in page
    assert "Choose a vehicle or give its length." in page


def test_an_own_vehicle_can_be_chosen(client_owner, shop, bay):
    van = VehicleFactory(organisation=shop, length_m=Decimal("5.5"), zero_emission=True)
    response = book_post(client_owner, bay, "08:00", vehicle=van.pk, vehicle_length_m="")
    assert response.status_code == 302
    assert Booking.objects.get(organisation=shop).vehicle == van


def test_another_shops_vehicle_cannot_be_used(client_owner, shop, bay, stranger_shop):
    theirs = VehicleFactory(organisation=stranger_shop)
    response = book_post(client_owner, bay, "08:00", vehicle=theirs.pk, vehicle_length_m="")
    assert response.status_code == 422
    assert not Booking.objects.filter(organisation=shop).exists()


# --- My bookings ------------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_the_calendar_link(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    Booking.objects.filter(pk=booking.pk)  # upcoming
    page = client_owner.get("/portal/bookings/").content.decode()
    upcoming = page[page.index('id="upcoming"'):page.index("Past")]
    assert booking.reference in upcoming


def calendar_link(page: str) -> str:
    return re.search(r'<a href="([^"]+)">Open the calendar feed', page).group(1)


def test_the_calendar_link_on_my_bookings_opens_the_feed(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    link = calendar_link(client_owner.get("/portal/bookings/").content.decode())
    assert link.startswith("http://testserver/") and shop.calendar_token in link
    feed = Client().get(link)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert f"UID:{booking.reference}@venster" in feed.content.decode()


def test_renewing_the_calendar_address_makes_the_old_link_stop_working(client_owner, shop):
    old_link = calendar_link(client_owner.get("/portal/bookings/").content.decode())
    response = client_owner.post("/portal/bookings/calendar/renew/", {"confirm": "on"})
    assert response.status_code == 302
    page = client_owner.get(response["Location"]).content.decode()
    assert "Your calendar has a new address." in page
    new_link = calendar_link(page)
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200


def test_the_calendar_address_is_not_renewed_without_confirmation(client_owner, shop):
    token = shop.calendar_token
    response = client_owner.post("/portal/bookings/calendar/renew/", {})
    assert response.status_code == 422
    refusal = "Tick the box to confirm that the old address stops working."
    assert refusal in response.content.decode()
    shop.refresh_from_db()
    assert shop.calendar_token == token


def test_renewing_is_a_post(client_owner, shop):
    token = shop.calendar_token
    assert client_owner.get("/portal/bookings/calendar/renew/").status_code == 405
    shop.refresh_from_db()
    assert shop.calendar_token == token


def test_a_booking_page_shows_status_reference_and_a_qr_code(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    page = client_owner.get(f"/portal/bookings/{booking.reference}/").content.decode()
    assert booking.reference in page
    assert "<svg" in page and "Confirmed" in page
    assert "The driver shows this code" in page


def test_a_cancelled_booking_shows_no_qr_code_and_no_driver_hint(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    client_owner.post(f"/portal/bookings/{booking.reference}/cancel/", CONFIRMED)
    page = client_owner.get(f"/portal/bookings/{booking.reference}/").content.decode()
    assert "Cancelled" in page and booking.reference in page
    assert 'class="qr"' not in page and "<svg" not in page
    assert "The driver shows this code" not in page


def test_cancelling_a_booking_frees_the_bay_and_says_so(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    response = client_owner.post(f"/portal/bookings/{booking.reference}/cancel/", CONFIRMED)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Notification.objects.filter(
        organisation=shop, kind=Notification.Kind.BOOKING_CANCELLED
    ).exists()
    again = client_owner.post(f"/portal/bookings/{booking.reference}/cancel/", CONFIRMED,
                              follow=True)
    assert "cannot change from its current status" in again.content.decode()


def test_a_booking_can_be_moved_to_another_time(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    response = client_owner.post(
        f"/portal/bookings/{booking.reference}/reschedule/",
        {"day": FRIDAY.isoformat(), "start_time": "09:30", "duration": "30", "bay": bay.pk},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(FRIDAY, "09:30")


def test_moving_into_a_full_slot_shows_the_reason_on_the_form(client_owner, shop, bay):
    book_post(client_owner, bay, "08:00")
    someone_elses_booking(bay, at(FRIDAY, "09:30"), at(FRIDAY, "10:00"))
    booking = Booking.objects.get(organisation=shop)
    response = client_owner.post(
        f"/portal/bookings/{booking.reference}/reschedule/",
        {"day": FRIDAY.isoformat(), "start_time": "09:30", "duration": "30", "bay": bay.pk},
    )
    assert response.status_code == 409
    assert "The bay is full at this time." in response.content.decode()
    booking.refresh_from_db()
    assert booking.start == at(FRIDAY, "08:00")


# --- Recurring bookings -----------------------------------------------------------------------


def series_form(bay, **changes):
    data = {"bay": bay.pk, "weekdays": ["1", "4"], "start_time": "08:00", "duration": "30",
            "first_day": FRIDAY.isoformat(), "until": (FRIDAY + dt.timedelta(days=14)).isoformat(),
            "vehicle_length_m": "6", "vehicle_mass_kg": 3500, "token": "series-1"}
    data.update(changes)
    return data


def test_a_recurring_booking_lists_the_dates_it_could_not_book(client_owner, shop, bay):
    market = FRIDAY + dt.timedelta(days=7)
    Closure.objects.create(bay=bay, reason=Closure.Reason.MARKET, start_date=market,
                           end_date=market)
    response = client_owner.post("/portal/recurring/new/", series_form(bay))
    series = BookingSeries.objects.get(organisation=shop)
    assert response["Location"] == f"/portal/recurring/{series.pk}/"
    # Fridays 27 Mar, 3 Apr (market), 10 Apr and Tuesdays 31 Mar, 7 Apr.
    assert series.bookings.count() == 4
    page = client_owner.get(response["Location"]).content.decode()
    not_booked = page[page.index('id="not-booked"'):]
    assert "3 April 2026" in not_booked
    assert "The bay is closed at this time." in not_booked


def test_a_recurring_booking_form_keeps_input_and_shows_field_errors(client_owner, shop, bay):
    response = client_owner.post(
        "/portal/recurring/new/", series_form(bay, weekdays=[], until="2026-03-01")
    )
    page = response.content.decode()
    assert 'id="id_weekdays_error"' in page
    assert 'id="id_until_error"' in page
    assert 'value="08:00"' in page
    assert not BookingSeries.objects.exists()


# --- Requests for the batch allocation --------------------------------------------------------


def request_form(bay, **changes):
    data = {"day": (FRIDAY + dt.timedelta(days=1)).isoformat(), "earliest": "07:00",
            "latest_end": "10:00", "duration": "30", "bays": [bay.pk],
            "vehicle_length_m": "6", "vehicle_mass_kg": 3500, "token": "req-1"}
    data.update(changes)
    return data


def test_a_request_is_submitted_listed_and_withdrawn(client_owner, shop, bay):
    response = client_owner.post("/portal/requests/", request_form(bay))
    assert response.status_code == 302
    request = BookingRequest.objects.get(organisation=shop)
    assert request.channel == Booking.Channel.PORTAL
    page = client_owner.get("/portal/requests/").content.decode()
    assert request.reference in page and "Pending" in page
    client_owner.post(f"/portal/requests/{request.reference}/withdraw/", CONFIRMED)
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.WITHDRAWN


def test_a_request_after_the_cut_off_is_refused_next_to_the_day(client_owner, shop, bay):
    response = client_owner.post("/portal/requests/", request_form(bay, day=FRIDAY.isoformat()))
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="id_day_error"' in page and "cut-off" in page
    assert not BookingRequest.objects.exists()


def test_a_refused_request_shows_its_reason_and_alternatives(client_owner, shop, bay, zone):
    request = BookingRequest.objects.create(
        reference="RTEST123", zone=zone, organisation=shop, vehicle_length_m=6,
        zero_emission=False, day=FRIDAY, earliest_start=at(FRIDAY, "07:00"),
        latest_end=at(FRIDAY, "09:00"), preferred_start=at(FRIDAY, "07:00"),
        duration_minutes=30, status=BookingRequest.Status.REFUSED,
        refusal_reason="No room", alternatives=[{"bay": "BRS-2", "start": "09:30"}],
        channel="portal",
    )
    page = client_owner.get("/portal/requests/").content.decode()
    assert request.reference in page and "No room" in page and "BRS-2" in page


# --- Waste pickups ----------------------------------------------------------------------------


def pickup_form(**changes):
    data = {"stream": "paper_cardboard", "volume_litres": "240", "containers": "1",
            "day": (FRIDAY + dt.timedelta(days=1)).isoformat(), "window_start": "07:00",
            "window_end": "11:00", "token": "pickup-1"}
    data.update(changes)
    return data


def test_a_one_off_pickup_is_requested_and_listed(client_owner, shop):
    response = client_owner.post("/portal/pickups/", pickup_form())
    assert response.status_code == 302
    pickup = PickupRequest.objects.get(organisation=shop)
    assert pickup.stream == "paper_cardboard"
    assert "Paper and cardboard" in client_owner.get("/portal/pickups/").content.decode()


def test_a_repeating_pickup_makes_one_request_a_week(client_owner, shop):
    client_owner.post("/portal/pickups/", pickup_form(
        stream="glass", recurrence_weekdays=["5"],
        recurrence_until=(FRIDAY + dt.timedelta(days=22)).isoformat()))
    assert PickupRequest.objects.filter(organisation=shop, stream="glass").count() == 4


def test_a_pickup_shows_its_planned_time_once_planned(client_owner, shop):
    client_owner.post("/portal/pickups/", pickup_form())
    PickupRequest.objects.filter(organisation=shop).update(
        status=PickupRequest.Status.PLANNED, planned_start=at(FRIDAY, "07:40"),
        planned_end=at(FRIDAY, "07:50"),
    )
    assert "planned 07:40–07:50" in client_owner.get("/portal/pickups/").content.decode()


def test_a_pickup_form_sent_twice_makes_one_request(client_owner, shop):
    client_owner.post("/portal/pickups/", pickup_form(token="twice"))
    client_owner.post("/portal/pickups/", pickup_form(token="twice"))
    assert PickupRequest.objects.filter(organisation=shop).count() == 1


def test_a_pickup_refusal_is_shown_next_to_its_field(client_owner, shop):
    shop.latitude = shop.longitude = None
    shop.save()
    response = client_owner.post("/portal/pickups/", pickup_form())
    assert "Set your shop&#x27;s address on the map first." in response.content.decode()
    response = client_owner.post("/portal/pickups/", pickup_form(window_end="06:00"))
    assert 'id="id_window_end_error"' in response.content.decode()


def test_a_pickup_can_be_cancelled(client_owner, shop):
    client_owner.post("/portal/pickups/", pickup_form())
    pickup = PickupRequest.objects.get(organisation=shop)
    client_owner.post(f"/portal/pickups/{pickup.pk}/cancel/", CONFIRMED)
    pickup.refresh_from_db()
    assert pickup.status == PickupRequest.Status.CANCELLED


# --- Notifications and API keys ---------------------------------------------------------------


def test_notifications_are_listed_and_marked_read(client_owner, shop):
    first = Notification.objects.create(organisation=shop, kind="booking.confirmed",
                                        title="Booking VABC confirmed")
    second = Notification.objects.create(organisation=shop, kind="closure.announced",
                                         title="Market on Saturday")
    page = client_owner.get("/portal/notifications/").content.decode()
    assert "Booking VABC confirmed" in page and "Market on Saturday" in page
    client_owner.post("/portal/notifications/", {"id": first.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client_owner.post("/portal/notifications/")
    second.refresh_from_db()
    assert second.read_at is not None


def test_an_api_key_is_shown_once_and_can_be_revoked(client_owner, shop):
    response = client_owner.post("/portal/api-keys/", {"name": "Till"})
    secret = re.search(r'id="new-key">([^<]+)<', response.content.decode()).group(1)
    key = OrganisationAPIKey.objects.get(organisation=shop)
    assert OrganisationAPIKey.objects.get_from_key(secret) == key
    assert secret not in client_owner.get("/portal/api-keys/").content.decode()
    client_owner.post(f"/portal/api-keys/{key.pk}/revoke/", CONFIRMED)
    key.refresh_from_db()
    assert key.revoked


def test_an_api_key_needs_a_name(client_owner):
    response = client_owner.post("/portal/api-keys/", {"name": ""})
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()


# --- Translations -----------------------------------------------------------------------------


@pytest.mark.parametrize("catalog", ["portal/locale/nl/LC_MESSAGES/django.po",
                                     "config/locale/nl/LC_MESSAGES/django.po"])
def test_every_string_has_a_dutch_translation(catalog):
    from django.conf import settings

    blocks = (settings.BASE_DIR / catalog).read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [b for b in blocks if b.strip() and (
        b.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in b or "#, fuzzy" in b)]
    assert untranslated == []


def test_a_booking_refusal_reads_in_dutch_by_default(owner, bay):
    client = Client()
    client.force_login(owner)
    someone_elses_booking(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30"))
    page = book_post(client, bay, "08:00").content.decode()
    assert "De laadplek is op dit moment vol." in page


def test_someone_without_a_shop_is_not_sent_into_the_portal_after_signing_in(bay):
    UserFactory(username="admin-like")
    response = Client().post("/accounts/login/", {"username": "admin-like",
                                                  "password": "secret-pass-123"})
    assert response["Location"] == "/"


def test_a_forged_slot_past_midnight_is_refused_not_moved_to_the_next_day(client_owner, shop, bay):
    response = book_post(client_owner, bay, "25:00")
    assert response.status_code == 409
    assert not Booking.objects.filter(organisation=shop).exists()


CONFIRMED = {"confirmed": "yes"}


def test_cancelling_a_booking_asks_first_and_an_unconfirmed_post_changes_nothing(
    client_owner, shop, bay
):
    book_post(client_owner, bay, "08:00")
    booking = Booking.objects.get(organisation=shop)
    url = f"/portal/bookings/{booking.reference}/cancel/"
    asked = client_owner.get(url).content.decode()
    assert f"Cancel booking {booking.reference}?" in asked and 'name="confirmed"' in asked
    assert client_owner.post(url).status_code == 200  # the question again, nothing done
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_revoking_an_api_key_asks_first_then_revokes_it(client_owner, shop):
    client_owner.post("/portal/api-keys/", {"name": "till"})
    key = OrganisationAPIKey.objects.get(organisation=shop)
    url = f"/portal/api-keys/{key.pk}/revoke/"
    assert "Revoke the key till?" in client_owner.get(url).content.decode()
    client_owner.post(url)
    key.refresh_from_db()
    assert not key.revoked
    assert client_owner.post(url, CONFIRMED).status_code == 302
    key.refresh_from_db()
    assert key.revoked
# --- The grid says why nothing can be booked ----------------------------------------------------


def grid_page(client, day, **extra) -> str:
    return client.get("/portal/book/", grid_query(day, **extra)).content.decode()


def test_the_grid_states_the_booking_horizon(client_owner):
    page = grid_page(client_owner, FRIDAY)
    assert "You can book up to 28 days ahead, until Friday 24 April 2026." in page
    assert 'id="grid-reason"' not in page


def test_the_grid_of_a_past_day_says_it_has_passed(client_owner, bay):
    page = grid_page(client_owner, FRIDAY - dt.timedelta(days=1))
    assert "This day has passed: choose today or a later day." in page
    assert 'title="past 08:00"' in page
    assert "too short for this stay 08:00" not in page


def test_the_grid_beyond_the_horizon_says_so(client_owner, bay):
    page = grid_page(client_owner, FRIDAY + dt.timedelta(days=29))
    assert "This day is further ahead than bays can be booked" in page
    assert 'title="not yet bookable 08:00"' in page
    assert 'name="slot"' not in page
    last = grid_page(client_owner, FRIDAY + dt.timedelta(days=28))
    assert 'id="grid-reason"' not in last and 'name="slot"' in last


def test_the_grid_says_when_the_vehicle_is_too_long_for_every_bay(client_owner, bay):
    page = grid_page(client_owner, FRIDAY, vehicle_length_m="19")
    assert "A vehicle of 19 m is too long for every bay near your shop" in page
    assert 'title="too long for this bay 08:00"' in page
    assert 'title="taken 08:00"' not in page


def test_earlier_today_is_marked_past(client_owner, bay):
    import time_machine

    with time_machine.travel(at(FRIDAY, "09:00"), tick=False):
        page = grid_page(client_owner, FRIDAY)
    assert 'title="past 08:45"' in page
    assert f'value="{bay.pk}@{minute("09:00")}"' in page
    assert 'id="grid-reason"' not in page


def test_the_recurring_form_books_to_the_horizon_and_leaves_later_dates_to_the_nights(
        client_owner, shop, bay):
    form = client_owner.get("/portal/recurring/new/").content.decode()
    assert "Dates until Friday 24 April 2026 are booked now" in form
    client_owner.post("/portal/recurring/new/", series_form(
        bay, until=(FRIDAY + dt.timedelta(days=60)).isoformat()))
    series = BookingSeries.objects.get()
    assert series.booked_through == FRIDAY + dt.timedelta(days=28)
    assert series.not_booked == []


# --- Which day requests are still collected for -------------------------------------------------


def test_before_the_cut_off_requests_default_to_tomorrow_and_say_when_it_closes(client_owner):
    page = client_owner.get("/portal/requests/").content.decode()
    saturday = FRIDAY + dt.timedelta(days=1)
    assert f'value="{saturday.isoformat()}"' in page
    assert ("Requests for Saturday 28 March can be sent until Friday 27 March at 16:00. "
            "You hear the outcome by Friday 27 March at 16:10.") in page
    assert "closed on" not in page


def test_after_the_cut_off_requests_default_to_the_first_open_day_and_say_why(
        client_owner, shop, bay):
    import time_machine

    from tests.html_forms import form_with

    with time_machine.travel(at(FRIDAY, "17:00"), tick=False):
        page = client_owner.get("/portal/requests/").content.decode()
        sunday = FRIDAY + dt.timedelta(days=2)
        assert f'value="{sunday.isoformat()}"' in page
        assert ("Requests for Saturday 28 March closed on Friday 27 March at 16:00; their "
                "outcome comes by 16:10.") in page
        assert "Requests for Sunday 29 March can be sent until Saturday 28 March at 16:00." in page
        data = form_with(page, "earliest")
        data["bays"] = [str(bay.pk)]
        response = client_owner.post("/portal/requests/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert BookingRequest.objects.get(organisation=shop).day == sunday
