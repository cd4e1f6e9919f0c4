"""Each hostile value that once gave a 500 (or wrote a row), now a clear refusal that changes
nothing: a problem document in the API, a 400 in CDS, a form error or a 400 page in the
portal and the console. test_fuzz_pages.py searches for more of them; these pin down the
ones found, with the message the person gets.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from bookings.models import Booking
from hubs.models import PickupRequest
from hubs.services import PickupError, pickup_request_create
from notifications.models import Notification
from places.models import Zone
from tests.security.cast import SATURDAY
from tests.security.writes import rows_written

pytestmark = pytest.mark.usefixtures("db", "frozen_now")

HUGE = "99999999999999999999"


def client_of(cast, role, language="en"):
    client = cast.client(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if role == "carrier_key":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {cast.api_key}",
                           HTTP_ACCEPT_LANGUAGE=language)
    return client


def post_writing_nothing(client, *args, **kwargs):
    with rows_written() as written:
        response = client.post(*args, **kwargs)
    assert not written, f"a refused request wrote: {written}"
    return response


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- JSON nested deeply --------------------------------------------------------------------


@pytest.mark.parametrize(("url", "wrap"), [
    ("/api/v1/bookings/", lambda deep: deep),
    ("/api/v1/bookings/", lambda deep: f'{{"bay": 1, "note": {deep}}}'),
    ("/api/v1/vehicles/", lambda deep: f'{{"plate": {deep}}}'),
    ("/api/v1/hub-dock-reservations/", lambda deep: f'{{"hub": {deep}}}'),
])
@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_json_nested_deeper_than_the_limit_is_a_400_problem(cast, url, wrap, depth):
    client = client_of(cast, "carrier_key")
    response = post_writing_nothing(client, url, wrap(nested(depth)),
                                    content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "parse_error"
    assert "64" in response.json()["detail"]


def test_json_as_deep_as_the_limit_is_parsed_and_judged_on_its_fields(cast):
    response = client_of(cast, "carrier_key").post(
        "/api/v1/bookings/", f'{{"bay": 1, "note": {nested(63)}}}',
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # a field error, not a parse error


def test_the_refusal_of_deep_json_is_in_dutch_for_a_dutch_reader(cast):
    response = client_of(cast, "carrier_key", "nl").post(
        "/api/v1/bookings/", nested(1_000), content_type="application/json")
    assert "niveaus diep" in response.json()["detail"]


def test_geojson_nested_deeply_is_refused_by_the_bay_import(cast):
    client = client_of(cast, "leiden_admin")
    upload = _upload("bays.geojson", nested(5_000).encode())
    response = post_writing_nothing(client, "/console/bays/import/",
                                    {"file": upload, "file_format": "geojson"})
    assert response.status_code == 200
    assert "more than 64 levels" in response.content.decode()


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/geo+json")


# --- CDS -----------------------------------------------------------------------------------


@pytest.mark.parametrize("time", ["1000000000000000", "-1", "-1000000000000000", str(10**30),
                                  "0", "²"])
def test_a_cds_time_outside_the_calendar_is_a_bad_param(cast, time):
    response = client_of(cast, "anonymous").get("/cds/curbs/zones", {"time": time})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_param" and body["error_details"] == ["time"]
    assert "whole number from" in body["error_description"]


@pytest.mark.parametrize("page", [HUGE, str(10**7), "0", "-3", "²", "1.5"])
def test_a_cds_events_page_beyond_any_register_is_a_bad_param(cast, page):
    response = client_of(cast, "anonymous").get("/cds/events/events", {"page": page})
    assert response.status_code == 400
    assert response.json()["error_details"] == ["page"]


def test_the_last_possible_cds_page_is_answered_empty(cast):
    response = client_of(cast, "anonymous").get("/cds/events/events", {"page": "1000000"})
    assert response.status_code == 200
    assert response.json()["data"]["events"] == []


# --- API: a day ----------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_dock_availability_on_a_day_outside_the_calendar_is_a_problem(cast, day):
    response = client_of(cast, "carrier_key").get(f"/api/v1/hubs/{cast.hub.pk}/dock-availability/",
                                              {"day": day})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "day" and error["code"] == "out_of_range"
    assert "2000" in error["detail"] and "2100" in error["detail"]


def test_collector_routes_on_a_day_outside_the_calendar_are_a_problem(cast):
    client = client_of(cast, "collector")
    response = client.get("/api/v1/collector-routes/", {"day": "9999-12-31"})
    assert response.status_code == 400


# --- Portal --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_booking_grid_for_a_day_outside_the_calendar_is_a_form_error(cast, day):
    response = client_of(cast, "shopkeeper").get(
        "/portal/book/", {"day": day, "duration": "30", "vehicle_length_m": "6",
                          "vehicle_mass_kg": 3500})
    assert response.status_code == 200
    assert response.context["form"].errors["day"] == [
        "Give a day between the years 2000 and 2100."]


def test_the_calendar_message_is_in_dutch_for_a_dutch_reader(cast):
    client = client_of(cast, "shopkeeper", "nl")
    response = client.get("/portal/book/", {"day": "9999-12-31", "duration": "30",
                                            "vehicle_length_m": "6", "vehicle_mass_kg": 3500})
    assert response.context["form"].errors["day"] == [
        "Kies een dag tussen de jaren 2000 en 2100."]


@pytest.mark.parametrize("slot", [f"{{bay}}@{HUGE}", f"{HUGE}@600", "{bay}@10000",
                                  "{bay}@" + "9" * 5000, "{bay}@٦٠٠"])
def test_a_forged_slot_is_a_form_error_and_books_nothing(cast, slot):
    client = client_of(cast, "shopkeeper")
    response = post_writing_nothing(client, "/portal/book/confirm/", {
        "day": SATURDAY.isoformat(), "duration": "30", "vehicle_length_m": "6",
        "vehicle_mass_kg": 3500,
        "slot": slot.format(bay=cast.bay.pk), "token": "fuzz-token"})
    assert response.status_code == 422
    assert "slot" in response.context["form"].errors


def test_a_series_in_year_9999_is_a_form_error_and_books_nothing(cast):
    client = client_of(cast, "shopkeeper")
    response = post_writing_nothing(client, "/portal/recurring/new/", {
        "token": "fuzz-series", "bay": cast.bay.pk, "weekdays": ["5"], "start_time": "10:00",
        "duration": "30", "first_day": "9999-12-01", "until": "9999-12-31",
        "vehicle_length_m": "6", "vehicle_mass_kg": 3500})
    form = response.context["form"]
    assert "first_day" in form.errors and "until" in form.errors


def test_a_pickup_of_ten_to_the_thirty_litres_is_a_form_error(cast):
    client = client_of(cast, "shopkeeper")
    response = post_writing_nothing(client, "/portal/pickups/", {
        "token": "fuzz-pickup", "stream": "residual", "volume_litres": str(10**30),
        "containers": "1", "day": SATURDAY.isoformat(), "window_start": "07:00",
        "window_end": "11:00"})
    assert response.status_code == 422
    assert response.context["form"].errors["volume_litres"]
    assert not PickupRequest.objects.filter(volume_litres__gt=40_000).exists()


@pytest.mark.parametrize("note_id", ["²", HUGE, "-1", "a\x00b"])
def test_a_forged_notification_id_marks_nothing_read(cast, note_id):
    note = Notification.objects.create(organisation=cast.shop, kind="closure.announced",
                                       title="Markt")
    response = client_of(cast, "shopkeeper").post("/portal/notifications/", {"id": note_id})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize("reference", ["%00", "V%00ABC", "%ED%A0%80", "x" * 13])
def test_a_booking_address_that_cannot_be_a_reference_is_not_found(cast, reference):
    client = client_of(cast, "shopkeeper")
    assert client.get(f"/portal/bookings/{reference}/").status_code == 404
    assert post_writing_nothing(client, f"/portal/bookings/{reference}/cancel/").status_code == 404
    assert Booking.objects.get(pk=cast.shop_booking.pk).status == Booking.Status.CONFIRMED


# --- Console -------------------------------------------------------------------------------


@pytest.mark.parametrize("bay", ["%C2%B2", HUGE + "0", "-1", "x", "%00"])
def test_what_if_for_a_bay_that_is_not_a_number_is_a_400_page_that_says_so(cast, bay):
    address = f"/console/zones/{cast.zone.pk}/what-if/?bay={bay}"
    response = client_of(cast, "leiden_admin").get(address)
    assert response.status_code == 400
    assert "The bay in the address is not a bay number." in response.content.decode()


def test_what_if_for_a_bay_number_that_does_not_exist_is_not_found(cast):
    response = client_of(cast, "leiden_admin").get(
        f"/console/zones/{cast.zone.pk}/what-if/", {"bay": "987654"})
    assert response.status_code == 404


@pytest.mark.parametrize(("start", "end"), [("9999-12-01", "9999-12-31"),
                                            ("0001-01-01", "0001-01-31"),
                                            ("2026-03-01", "9999-12-31")])
def test_the_dashboard_for_a_period_outside_the_calendar_shows_a_form_error(cast, start, end):
    response = client_of(cast, "leiden_admin").get("/console/dashboard/",
                                               {"start": start, "end": end})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Give a day between the years 2000 and 2100." in errors.get("end", []) + errors.get(
        "start", [])


@pytest.mark.parametrize("action", ["preview", "confirm"])
def test_a_closure_in_year_9999_is_a_form_error_and_saves_nothing(cast, action):
    client = client_of(cast, "leiden_admin")
    response = post_writing_nothing(client, "/console/closures/new/", {
        "zone": cast.zone.pk, "reason": "market", "start_date": "9999-12-30",
        "end_date": "9999-12-31", "action": action})
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        "Give a day between the years 2000 and 2100."]


def test_the_bundling_report_for_year_9999_shows_tomorrow(cast):
    response = client_of(cast, "collector").get("/hubs/bundling-report/", {"day": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["day"] == SATURDAY


def test_the_400_page_is_in_dutch_for_a_dutch_reader(cast):
    client = client_of(cast, "leiden_admin", "nl")
    response = client.get(f"/console/zones/{cast.zone.pk}/what-if/?bay=%C2%B2")
    assert response.status_code == 400
    assert "De laadplek in het adres is geen laadpleknummer." in response.content.decode()


def test_json_in_the_request_body_stays_readable_in_an_error_answer(cast):
    """The lone surrogate escape, still refused by the parser after the depth check."""
    response = client_of(cast, "carrier_key").post(
        "/api/v1/vehicles/", json.dumps({"plate": "\ud800"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_request_for_a_bay_id_of_thirty_digits_is_a_form_error(cast):
    client = client_of(cast, "shopkeeper")
    response = post_writing_nothing(client, "/portal/requests/", {
        "token": "fuzz-request", "day": SATURDAY.isoformat(), "earliest": "09:00",
        "latest_end": "11:00", "duration": "30", "bays": [str(cast.bay.pk), str(10**30)],
        "vehicle_length_m": "6", "vehicle_mass_kg": 3500})
    assert response.status_code == 422
    assert response.context["form"].errors["bays"]


def test_a_forged_count_of_window_forms_is_refused_without_building_them(cast):
    client = client_of(cast, "leiden_admin")
    response = post_writing_nothing(client, f"/console/zones/{cast.zone.pk}/windows/", {
        "w-TOTAL_FORMS": HUGE, "w-INITIAL_FORMS": "0", "w-MIN_NUM_FORMS": "0",
        "w-MAX_NUM_FORMS": "1000", "action": "save"})
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.context["formset"].non_form_errors()
    assert len(response.context["formset"].forms) <= 50


def test_the_pickup_service_refuses_more_than_one_container_of_forty_cubic_metres(cast):
    with pytest.raises(PickupError) as refused:
        pickup_request_create(organisation=cast.shop, stream="residual", volume_litres=40_001,
                              day=SATURDAY, window_start=dt.time(7), window_end=dt.time(11))
    assert refused.value.code == "volume"
    assert "40000" in refused.value.message


def test_a_json_field_in_the_admin_refuses_deep_json_as_a_form_error(cast, rf):
    """The zone's boundary (GeoJSON) as the admin's change form parses it."""
    request = rf.get("/admin/")
    request.user = cast.users["superuser"]
    form_class = admin.site._registry[Zone].get_form(request, cast.zone)
    form = form_class(data={"boundary": nested(5_000)}, instance=cast.zone)
    with translation.override("en"):
        assert not form.is_valid()
    assert "more than 64 levels" in form.errors["boundary"][0]
    assert "[[[" in str(form["boundary"])  # shown again as typed
