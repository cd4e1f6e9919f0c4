"""/api/v1/series/: own series with their coming bookings, changed or ended as a whole."""

import datetime as dt

import pytest

from bookings.models import Booking, BookingSeries
from bookings.recurring import booking_series_create
from bookings.services import booking_create
from notifications.models import Notification
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory
from webhooks.models import WebhookEndpoint, WebhookEvent

from .conftest import problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def series(carrier, bay, van):
    WebhookEndpoint.objects.create(organisation=carrier, url="https://example.org/hook")
    return booking_series_create(
        organisation=carrier, bay=bay, weekdays=[FRIDAY.weekday()], start_time=dt.time(9),
        duration_minutes=30, first_day=FRIDAY, until=FRIDAY + dt.timedelta(weeks=3),
        vehicle=van).series


def test_the_list_shows_own_series_with_their_coming_bookings(owner, stranger, series):
    body = owner.get("/api/v1/series/").json()
    assert [item["id"] for item in body["results"]] == [series.pk]
    assert len(body["results"][0]["coming_bookings"]) == 4
    assert stranger.get("/api/v1/series/").json()["results"] == []
    assert stranger.get(f"/api/v1/series/{series.pk}/").status_code == 404


def test_patch_moves_every_coming_booking_and_reports_what_could_not_move(
        owner, carrier, bay, series):
    blocked_day = FRIDAY + dt.timedelta(weeks=1)
    for _ in range(2):  # the bay full at 10:00 on the second Friday
        van = VehicleFactory()
        booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                       start=at(blocked_day, "10:00"), end=at(blocked_day, "10:45"))
    response = owner.patch(f"/api/v1/series/{series.pk}/",
                           {"start_time": "10:00", "duration_minutes": 45}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["moved"]) == 3
    assert [(item["day"], item["code"]) for item in body["not_moved"]] == [
        (blocked_day.isoformat(), "bay_full")]
    left = Booking.objects.get(series=series, start__date=blocked_day)
    assert left.start == at(blocked_day, "09:00")  # left as it was
    series.refresh_from_db()
    assert (series.start_time, series.duration_minutes) == (dt.time(10), 45)
    assert WebhookEvent.objects.filter(organisation=carrier,
                                       event_type="series.changed").count() == 1
    assert Notification.objects.filter(organisation=carrier, kind="series.changed").exists()


def test_patch_to_another_vehicle_moves_the_bookings_to_it(owner, carrier, series):
    other_van = VehicleFactory(organisation=carrier)
    response = owner.patch(f"/api/v1/series/{series.pk}/", {"vehicle": other_van.pk},
                           format="json")
    assert response.status_code == 200, response.content
    assert set(Booking.objects.filter(series=series).values_list("vehicle", flat=True)) == {
        other_van.pk}


def test_patch_with_another_organisations_bay_vehicle_or_series_changes_nothing(
        owner, stranger, series):
    foreign_van = VehicleFactory(organisation=stranger.organisation)
    response = owner.patch(f"/api/v1/series/{series.pk}/", {"vehicle": foreign_van.pk},
                           format="json")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["field"] == "vehicle"
    response = stranger.patch(f"/api/v1/series/{series.pk}/", {"start_time": "11:00"},
                              format="json")
    assert response.status_code == 404
    series.refresh_from_db()
    assert series.start_time == dt.time(9) and series.vehicle.organisation == owner.organisation


def test_an_empty_or_bad_patch_is_a_problem_document(owner, series):
    for body in ({}, {"duration_minutes": 2}, {"start_time": "25:00"}, {"bay": 10**9}):
        response = owner.patch(f"/api/v1/series/{series.pk}/", body, format="json")
        assert response.status_code == 400, body
        assert problem(response)["code"] == "invalid"


def test_end_cancels_the_coming_bookings_and_stops_the_roll_forward(owner, carrier, series):
    response = owner.post(f"/api/v1/series/{series.pk}/end/")
    assert response.status_code == 200, response.content
    assert len(response.json()["cancelled"]) == 4
    assert set(Booking.objects.filter(series=series).values_list("status", flat=True)) == {
        Booking.Status.CANCELLED}
    assert BookingSeries.objects.get(pk=series.pk).ended_at is not None
    assert WebhookEvent.objects.filter(organisation=carrier, event_type="series.ended").count() == 1
    assert WebhookEvent.objects.filter(organisation=carrier,
                                       event_type="booking.cancelled").count() == 4
    again = owner.post(f"/api/v1/series/{series.pk}/end/")
    assert again.status_code == 409 and problem(again)["code"] == "series_ended"
    changed = owner.patch(f"/api/v1/series/{series.pk}/", {"start_time": "11:00"},
                          format="json")
    assert changed.status_code == 409 and problem(changed)["code"] == "series_ended"


def test_another_organisation_cannot_end_a_series(stranger, series):
    assert stranger.post(f"/api/v1/series/{series.pk}/end/").status_code == 404
    assert BookingSeries.objects.get(pk=series.pk).ended_at is None
    assert not Booking.objects.filter(series=series, status=Booking.Status.CANCELLED).exists()


def test_a_bay_too_short_for_the_van_moves_nothing_and_says_why(owner, series):
    from decimal import Decimal

    short_bay = BayFactory(kerb_length_m=Decimal("4"))
    before = sorted(Booking.objects.filter(series=series).values_list("bay", "start"))
    response = owner.patch(f"/api/v1/series/{series.pk}/", {"bay": short_bay.pk},
                           format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"] == []
    assert {item["code"] for item in body["not_moved"]} == {"bay_full"}  # 4 m of kerb, a 6 m van
    assert sorted(Booking.objects.filter(series=series).values_list("bay", "start")) == before
