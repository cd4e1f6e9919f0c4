"""A zone's daily quota binds every path that books or moves kerb time, not only the batch."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db import connection

from bookings import errors, quotas, services
from bookings.models import Booking, Quota
from bookings.recurring import booking_series_create
from tests.api.conftest import booking_body, key_client, problem
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, MembershipFactory, OrganisationFactory, VehicleFactory
from tests.races import race, without_locks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("30"), max_vehicles=4)


@pytest.fixture
def other_bay(bay):
    return BayFactory(zone=bay.zone, kerb_length_m=Decimal("30"), max_vehicles=4)


@pytest.fixture
def carrier():
    return OrganisationFactory()


@pytest.fixture
def quota(bay, carrier):
    """An hour a day in the zone."""
    return Quota.objects.create(zone=bay.zone, organisation=carrier, max_minutes_per_day=60)


def van_of(organisation):
    return VehicleFactory(organisation=organisation, length_m=Decimal("6"))


def book(bay, organisation, start, end):
    return services.booking_create(bay=bay, organisation=organisation, vehicle=van_of(organisation),
                                   start=at(FRIDAY, start), end=at(FRIDAY, end))


def test_instant_bookings_stop_at_the_quota(quota, bay, other_bay, carrier):
    book(bay, carrier, "08:00", "08:30")
    book(other_bay, carrier, "09:00", "09:30")  # another bay of the same zone counts too
    with pytest.raises(errors.QuotaExceeded) as refused:
        book(bay, carrier, "10:00", "10:05")
    assert refused.value.code == "quota_exceeded"
    assert Booking.objects.filter(organisation=carrier).count() == 2


def test_another_organisation_and_another_day_are_not_charged(quota, bay, carrier):
    book(bay, carrier, "08:00", "09:00")
    assert book(bay, OrganisationFactory(), "10:00", "11:00").status == Booking.Status.CONFIRMED
    saturday = FRIDAY + dt.timedelta(days=1)
    van = van_of(carrier)
    assert services.booking_create(bay=bay, organisation=carrier, vehicle=van,
                                   start=at(saturday, "08:00"), end=at(saturday, "09:00"))


def test_a_cancelled_booking_gives_its_minutes_back(quota, bay, carrier):
    first = book(bay, carrier, "08:00", "09:00")
    services.booking_cancel(booking=first)
    assert book(bay, carrier, "10:00", "11:00").status == Booking.Status.CONFIRMED


def test_a_reschedule_may_not_grow_past_the_quota_but_may_move(quota, bay, carrier):
    booking = book(bay, carrier, "08:00", "08:30")
    book(bay, carrier, "07:00", "07:30")  # the hour is now used up
    moved = services.booking_reschedule(booking=booking, start=at(FRIDAY, "10:00"),
                                        end=at(FRIDAY, "10:30"))
    assert moved.start == at(FRIDAY, "10:00")
    with pytest.raises(errors.QuotaExceeded):
        services.booking_reschedule(booking=booking, start=at(FRIDAY, "10:00"),
                                    end=at(FRIDAY, "10:35"))


def test_the_api_refuses_past_the_quota_with_the_same_code(quota, bay, carrier):
    client = key_client(carrier)
    book(bay, carrier, "08:00", "09:00")
    response = client.post("/api/v1/bookings/", booking_body(bay, van_of(carrier), "10:00",
                                                            "10:30"), format="json")
    assert response.status_code == 409
    assert problem(response)["code"] == "quota_exceeded"


def test_the_portal_refuses_past_the_quota_with_its_message(quota, bay, carrier, client):
    from tests.portal.test_pages import book_post

    client.force_login(MembershipFactory(organisation=carrier).user)
    book(bay, carrier, "08:00", "09:00")
    response = book_post(client, bay, "10:00")
    assert response.status_code == 409
    assert str(errors.QuotaExceeded.default_message) in response.content.decode()
    assert Booking.objects.filter(organisation=carrier).count() == 1


def test_a_recurring_series_books_up_to_the_quota_and_reports_the_rest(quota, bay, carrier):
    book(bay, carrier, "08:00", "09:00")
    result = booking_series_create(
        organisation=carrier, bay=bay, vehicle=van_of(carrier), weekdays=[FRIDAY.weekday()],
        start_time=dt.time(10, 0), duration_minutes=30, first_day=FRIDAY,
        until=FRIDAY + dt.timedelta(days=7),
    )
    assert [(n.day, n.code) for n in result.not_booked] == [(FRIDAY, "quota_exceeded")]
    assert [b.start for b in result.booked] == [at(FRIDAY + dt.timedelta(days=7), "10:00")]


@pytest.mark.django_db(transaction=True)
def test_two_bays_booked_at_once_cannot_both_take_the_last_minutes(quota, bay, other_bay,
                                                                    carrier, monkeypatch):
    """Different bays take different locks; the quota row's lock makes them queue."""
    vans = [van_of(carrier), van_of(carrier)]
    real_count = quotas.held_minutes

    def slow_count(**kwargs):
        held = real_count(**kwargs)
        time.sleep(0.2)  # a slow request between "count" and "insert"
        return held

    monkeypatch.setattr(quotas, "held_minutes", slow_count)

    def take_the_last_hour(n):
        return services.booking_create(
            bay=[bay, other_bay][n], organisation=carrier, vehicle=vans[n],
            start=at(FRIDAY, "08:00"), end=at(FRIDAY, "09:00")).status

    assert race(2, take_the_last_hour) == {Booking.Status.CONFIRMED: 1, "QuotaExceeded": 1}
    if connection.vendor == "postgresql":  # the control run shows the race the lock closes
        Booking.objects.all().delete()
        without_locks(monkeypatch)
        assert race(2, take_the_last_hour) == {Booking.Status.CONFIRMED: 2}
