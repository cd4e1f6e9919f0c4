"""Carriers book, read, move, cancel, check in and out through the API; errors are problems."""

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking
from bookings.services import booking_create
from tests.conftest import FRIDAY, at

from .conftest import SATURDAY, booking_body, problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
BOOKINGS = "/api/v1/bookings/"


def book(bay, vehicle, start="08:00", end="08:30", day=FRIDAY):
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(day, start), end=at(day, end))


def test_a_carrier_books_a_bay_with_its_api_key(owner, bay, van):
    response = owner.post(BOOKINGS, booking_body(bay, van), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["bay"] == bay.pk
    assert body["start"] == "2026-03-27T08:00:00+01:00"
    booking = Booking.objects.get(reference=body["reference"])
    assert booking.channel == Booking.Channel.API and booking.organisation == owner.organisation


def test_a_colleague_books_with_the_session_of_the_browsable_api(colleague, bay, van):
    response = colleague.post(BOOKINGS, booking_body(bay, van), format="json")
    assert response.status_code == 201, response.content


def test_anonymous_callers_are_refused_with_a_problem_document(anonymous, bay, van):
    response = anonymous.post(BOOKINGS, booking_body(bay, van), format="json")
    assert response.status_code in (401, 403)
    assert problem(response)["status"] == response.status_code


def test_a_wrong_api_key_is_refused(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Api-Key nothing.valid")
    response = anonymous.get(BOOKINGS)
    assert response.status_code == 401
    assert problem(response)["code"] == "authentication_failed"


def test_a_full_bay_answers_409_bay_full(owner, carrier, bay):
    from tests.factories import VehicleFactory

    for _n in range(2):
        book(bay, VehicleFactory(organisation=carrier))
    third = VehicleFactory(organisation=carrier)
    response = owner.post(BOOKINGS, booking_body(bay, third), format="json")
    assert response.status_code == 409
    body = problem(response)
    assert body["code"] == "bay_full" and body["type"].endswith("bay_full")
    assert body["title"] and body["detail"]


def test_a_rule_refusal_answers_422_with_its_code(owner, bay, van):
    response = owner.post(BOOKINGS, booking_body(bay, van, "05:00", "05:30"), format="json")
    assert response.status_code == 422
    assert problem(response)["code"] == "in_the_past"


def test_a_time_without_offset_is_refused_as_a_field_error(owner, bay, van):
    body = booking_body(bay, van)
    body["start"] = "2026-03-27T08:00:00"
    response = owner.post(BOOKINGS, body, format="json")
    assert response.status_code == 400
    errors = problem(response)["errors"]
    assert errors == [{"field": "start", "pointer": "#/start", "code": "offset_required",
                       "detail": errors[0]["detail"]}]


@pytest.mark.parametrize("value, code", [
    ("2026-03-29T02:30:00+01:00", "nonexistent_local_time"),
    ("2026-10-25T02:30:00+01:00", "ambiguous_local_time"),
    ("2026-10-25T02:30:00+02:00", "ambiguous_local_time"),
])
def test_local_times_that_do_not_exist_or_happen_twice_are_refused(owner, bay, van, value, code):
    body = booking_body(bay, van)
    body["start"] = value
    response = owner.post(BOOKINGS, body, format="json")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["code"] == code


def test_bad_input_lists_every_field_and_never_fails_with_500(owner):
    response = owner.post(BOOKINGS, {"bay": "x", "start": 5, "note": "a\x00b"}, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in problem(response)["errors"]}
    assert {"bay", "start", "end", "note"} <= fields


def test_a_nul_byte_in_the_query_string_is_a_400(owner):
    response = owner.get(BOOKINGS, {"status": "confirmed\x00"})
    assert response.status_code == 400


def test_another_organisations_vehicle_cannot_be_booked(owner, stranger, bay):
    from tests.factories import VehicleFactory

    theirs = VehicleFactory(organisation=stranger.organisation)
    response = owner.post(BOOKINGS, booking_body(bay, theirs), format="json")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["field"] == "vehicle"


def test_a_supplier_vehicle_is_booked_by_length_and_emission(owner, bay):
    # outside a zero-emission-only window, where a declaration is recorded as given
    body = {"bay": bay.pk, "vehicle_length_m": "5.5",
            "vehicle_mass_kg": 3500, "zero_emission": True,
            "start": at(FRIDAY, "10:00").isoformat(), "end": at(FRIDAY, "10:30").isoformat()}
    response = owner.post(BOOKINGS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["zero_emission"] is True


def test_the_list_shows_only_the_callers_bookings_filtered_and_paginated(owner, stranger, bay,
                                                                         van, e_van):
    from tests.factories import VehicleFactory

    mine = [book(bay, van, "08:00", "08:30"), book(bay, e_van, "10:00", "10:30"),
            book(bay, van, "08:00", "08:30", day=SATURDAY)]
    book(bay, VehicleFactory(organisation=stranger.organisation), "09:00", "09:30")
    body = owner.get(BOOKINGS).json()
    assert body["count"] == 3
    assert [b["reference"] for b in body["results"]] == [b.reference for b in mine]
    friday = owner.get(BOOKINGS, {"date_from": FRIDAY, "date_to": FRIDAY}).json()
    assert friday["count"] == 2
    by_vehicle = owner.get(BOOKINGS, {"vehicle": e_van.pk}).json()
    assert [b["reference"] for b in by_vehicle["results"]] == [mine[1].reference]
    page = owner.get(BOOKINGS, {"limit": 1, "offset": 1, "ordering": "-start"}).json()
    assert page["count"] == 3 and page["results"][0]["reference"] == mine[1].reference
    assert owner.get(BOOKINGS, {"bay": bay.pk, "status": "cancelled"}).json()["count"] == 0


def test_a_booking_is_read_rescheduled_checked_in_and_out(owner, bay, van):
    booking = book(bay, van, "08:00", "08:30")
    url = f"{BOOKINGS}{booking.reference}/"
    assert owner.get(url).json()["reference"] == booking.reference
    moved = owner.post(f"{url}reschedule/", {"start": at(FRIDAY, "09:00").isoformat(),
                                             "end": at(FRIDAY, "09:45").isoformat()},
                       format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == "2026-03-27T09:00:00+01:00"
    early = owner.post(f"{url}check-in/")
    assert early.status_code == 409 and problem(early)["code"] == "check_in_not_open"
    with time_machine.travel(at(FRIDAY, "08:50"), tick=False):
        assert owner.post(f"{url}check-in/").json()["status"] == "checked_in"
        assert owner.post(f"{url}check-out/").json()["status"] == "completed"
        again = owner.post(f"{url}check-out/")
    assert again.status_code == 409 and problem(again)["code"] == "invalid_state"


def test_check_in_after_the_end_is_refused_as_closed(owner, bay, van):
    booking = book(bay, van, "08:00", "08:30")
    with time_machine.travel(at(FRIDAY, "08:30"), tick=False):
        late = owner.post(f"{BOOKINGS}{booking.reference}/check-in/")
    assert late.status_code == 409 and problem(late)["code"] == "check_in_closed"


def test_a_booking_is_cancelled_once(owner, bay, van):
    booking = book(bay, van)
    url = f"{BOOKINGS}{booking.reference}/cancel/"
    assert owner.post(url).json()["status"] == "cancelled"
    assert owner.post(url).status_code == 409


@pytest.mark.parametrize("method, suffix", [
    ("get", ""), ("post", "cancel/"), ("post", "check-in/"), ("post", "check-out/"),
    ("post", "reschedule/"),
])
def test_another_organisations_booking_answers_404_everywhere(stranger, anonymous, colleague,
                                                              bay, van, method, suffix):
    booking = book(bay, van)
    url = f"{BOOKINGS}{booking.reference}/{suffix}"
    body = {"start": at(FRIDAY, "09:00").isoformat(), "end": at(FRIDAY, "09:30").isoformat()}
    response = getattr(stranger, method)(url, body, format="json")
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"
    assert getattr(anonymous, method)(url, body, format="json").status_code in (401, 403)
    assert getattr(colleague, method)(url, body, format="json").status_code in (200, 409)
    assert Booking.objects.get(pk=booking.pk).start == at(FRIDAY, "08:00") or suffix


def test_availability_lists_free_starts_for_a_bay(owner, bay, van, e_van):
    book(bay, van, "08:00", "08:30")
    book(bay, e_van, "08:00", "08:30")
    response = owner.get("/api/v1/availability/", {
        "bay": bay.pk, "date": FRIDAY.isoformat(), "duration_minutes": 30, "vehicle": van.pk})
    assert response.status_code == 200, response.content
    starts = response.json()["starts"]
    assert "2026-03-27T07:30:00+01:00" in starts
    assert "2026-03-27T08:00:00+01:00" not in starts
    assert all(s < "2026-03-27T10:31" for s in starts)  # diesel: only until 11:00


def test_availability_needs_a_vehicle_or_its_facts(owner, bay):
    response = owner.get("/api/v1/availability/", {"bay": bay.pk, "date": FRIDAY.isoformat(),
                                                   "duration_minutes": 30})
    assert response.status_code == 400
    assert problem(response)["errors"][0]["field"] == "vehicle"


def test_the_nearest_bays_with_a_free_start_come_first(owner, van):
    from tests.factories import BayFactory

    near = BayFactory(latitude=52.1580, longitude=4.4920, street="Breestraat", max_vehicles=1)
    far = BayFactory(zone=near.zone, latitude=52.1600, longitude=4.4980, street="Hooigracht")
    BayFactory(zone=near.zone, latitude=52.2000, longitude=4.6000)  # out of range
    book(near, van, "08:00", "08:30")
    from tests.factories import VehicleFactory

    other = VehicleFactory(organisation=van.organisation)
    response = owner.get("/api/v1/availability/nearest/", {
        "latitude": 52.1581, "longitude": 4.4921, "radius_m": 1500,
        "earliest": at(FRIDAY, "08:00").isoformat(), "latest": at(FRIDAY, "09:00").isoformat(),
        "duration_minutes": 30, "vehicle": other.pk})
    assert response.status_code == 200, response.content
    results = response.json()
    assert [r["bay"]["id"] for r in results] == [near.pk, far.pk]
    assert results[0]["start"] == "2026-03-27T08:30:00+01:00"
    assert results[1]["start"] == "2026-03-27T08:00:00+01:00"
    assert results[0]["distance_m"] < results[1]["distance_m"]
    by_address = owner.get("/api/v1/availability/nearest/", {
        "address": "Hooigracht 12", "radius_m": 100,
        "earliest": at(FRIDAY, "08:00").isoformat(), "latest": at(FRIDAY, "09:00").isoformat(),
        "duration_minutes": 30, "vehicle_length_m": "5", "zero_emission": "false"}).json()
    assert [r["bay"]["id"] for r in by_address] == [far.pk]


def test_dates_far_away_are_refused_not_crashed(owner, bay, van):
    response = owner.get("/api/v1/availability/", {
        "bay": bay.pk, "date": "9999-12-31", "duration_minutes": 30, "vehicle": van.pk})
    assert response.status_code == 400
    body = booking_body(bay, van)
    body["start"] = "0001-01-01T00:00:00+14:00"
    assert owner.post(BOOKINGS, body, format="json").status_code == 400
    assert dt.date(2026, 3, 27) == FRIDAY


def test_an_unknown_address_is_a_field_error_and_an_inactive_bay_has_no_starts(owner, bay, van):
    response = owner.get("/api/v1/availability/nearest/", {
        "address": "Nergensstraat 1", "earliest": at(FRIDAY, "08:00").isoformat(),
        "latest": at(FRIDAY, "09:00").isoformat(), "duration_minutes": 30, "vehicle": van.pk})
    assert response.status_code == 400
    assert problem(response)["errors"][0]["code"] == "address_not_found"
    bay.is_active = False
    bay.save()
    response = owner.get("/api/v1/availability/", {
        "bay": bay.pk, "date": FRIDAY.isoformat(), "duration_minutes": 30, "vehicle": van.pk})
    assert response.status_code == 200 and response.json()["starts"] == []


def test_a_nul_byte_in_a_path_segment_is_refused(owner):
    assert owner.get(f"{BOOKINGS}AB%00CD/").status_code in (400, 404)
