"""A booking follows what happens at the kerb: check-in window, no-show release, completion,
and every freeing of time offered to the waitlist once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import TestCase

from bookings import errors, services
from bookings.models import Booking, WaitlistEntry
from bookings.waitlist import waitlist_join
from places import localtime
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory
from tests.races import race
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)


@pytest.fixture
def van():
    return VehicleFactory(length_m=Decimal("6"))


def book(bay, vehicle, start, end):
    return services.booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                                   start=start, end=end)


@pytest.fixture
def booking(bay, van):
    return book(bay, van, at(FRIDAY, "09:00"), at(FRIDAY, "09:30"))


def status_of(booking):
    return Booking.objects.get(pk=booking.pk).status


# --- The check-in window -----------------------------------------------------------------


def test_check_in_is_refused_before_the_window_opens(booking):
    with pytest.raises(errors.CheckInNotOpen) as refused:
        services.booking_check_in(booking=booking, now=at(FRIDAY, "08:44"))
    assert refused.value.code == "check_in_not_open"
    assert "15" in refused.value.message
    assert status_of(booking) == Booking.Status.CONFIRMED


def test_check_in_opens_the_zones_lead_time_before_the_start(booking):
    checked_in = services.booking_check_in(booking=booking, now=at(FRIDAY, "08:45"))
    assert checked_in.status == Booking.Status.CHECKED_IN
    assert checked_in.checked_in_at == at(FRIDAY, "08:45")


def test_the_lead_time_is_the_zones_own(bay, booking):
    bay.zone.check_in_opens_minutes = 30
    bay.zone.save()
    booking.refresh_from_db()
    assert services.booking_check_in(booking=booking, now=at(FRIDAY, "08:30")).status == (
        Booking.Status.CHECKED_IN)


def test_check_in_is_refused_once_the_booking_has_ended(booking):
    with pytest.raises(errors.CheckInClosed) as refused:
        services.booking_check_in(booking=booking, now=at(FRIDAY, "09:30"))
    assert refused.value.code == "check_in_closed"
    assert status_of(booking) == Booking.Status.CONFIRMED


def test_a_late_check_in_inside_the_booking_is_accepted(booking):
    assert services.booking_check_in(booking=booking, now=at(FRIDAY, "09:29")).status == (
        Booking.Status.CHECKED_IN)


# --- No-show release -------------------------------------------------------------------------


def test_a_booking_without_check_in_becomes_a_no_show_after_the_grace_period(booking):
    assert services.release_no_shows(now=at(FRIDAY, "09:14")) == []
    released = services.release_no_shows(now=at(FRIDAY, "09:15"))
    assert [b.pk for b in released] == [booking.pk]
    assert status_of(booking) == Booking.Status.NO_SHOW


def test_releasing_twice_releases_once(booking):
    services.release_no_shows(now=at(FRIDAY, "09:20"))
    assert services.release_no_shows(now=at(FRIDAY, "09:21")) == []
    assert Booking.history.filter(id=booking.pk, status=Booking.Status.NO_SHOW).count() == 1


def test_a_checked_in_booking_is_never_released(booking):
    services.booking_check_in(booking=booking, now=at(FRIDAY, "09:10"))
    assert services.release_no_shows(now=at(FRIDAY, "09:20")) == []
    assert status_of(booking) == Booking.Status.CHECKED_IN


def test_the_released_time_can_be_booked_again(bay, booking):
    other_van = VehicleFactory(length_m=Decimal("6"))
    with pytest.raises(errors.BayFull):
        book(bay, other_van, at(FRIDAY, "09:20"), at(FRIDAY, "09:30"))
    services.release_no_shows(now=at(FRIDAY, "09:15"))
    again = services.booking_create(
        bay=bay, organisation=other_van.organisation, vehicle=other_van,
        start=at(FRIDAY, "09:20"), end=at(FRIDAY, "09:30"), now=at(FRIDAY, "09:16"))
    assert again.status == Booking.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_a_late_check_in_racing_the_release_ends_in_exactly_one_of_them(bay, van):
    """On PostgreSQL the two really overlap; the booking's row lock decides the order."""
    rounds = 8 if connection.vendor == "postgresql" else 2
    outcomes = []
    for round_ in range(rounds):
        start = localtime.later(at(FRIDAY, "07:00"), 25 * round_)
        booking = book(bay, van, start, localtime.later(start, 20))
        now = localtime.later(start, 16)

        def act(contender, booking=booking, now=now):
            if contender == 0:
                return ("checked_in", services.booking_check_in(booking=booking, now=now).status)
            return ("released", len(services.release_no_shows(now=now)))

        result = race(2, act)
        final = status_of(booking)
        outcomes.append(final)
        if final == Booking.Status.CHECKED_IN:
            assert result == {("checked_in", "checked_in"): 1, ("released", 0): 1}
        else:
            assert final == Booking.Status.NO_SHOW
            assert result == {"InvalidState": 1, ("released", 1): 1}
        assert Booking.history.filter(id=booking.pk).exclude(
            status=Booking.Status.CONFIRMED).count() == 1


# --- Completion and early check-out ------------------------------------------------------------


def test_a_checked_in_booking_past_its_end_is_completed(booking):
    services.booking_check_in(booking=booking, now=at(FRIDAY, "09:00"))
    assert services.complete_overdue(now=at(FRIDAY, "09:29")) == []
    assert [b.pk for b in services.complete_overdue(now=at(FRIDAY, "09:30"))] == [booking.pk]
    completed = Booking.objects.get(pk=booking.pk)
    assert completed.status == Booking.Status.COMPLETED
    assert completed.checked_out_at is None  # nobody saw the vehicle leave
    assert services.complete_overdue(now=at(FRIDAY, "09:31")) == []


def test_an_early_check_out_frees_the_rest_of_the_time(bay, booking):
    services.booking_check_in(booking=booking, now=at(FRIDAY, "09:00"))
    services.booking_check_out(booking=booking, now=at(FRIDAY, "09:10"))
    other_van = VehicleFactory(length_m=Decimal("6"))
    later = services.booking_create(
        bay=bay, organisation=other_van.organisation, vehicle=other_van,
        start=at(FRIDAY, "09:15"), end=at(FRIDAY, "09:30"), now=at(FRIDAY, "09:11"))
    assert later.status == Booking.Status.CONFIRMED


# --- Every freeing of time goes to the waitlist, once -----------------------------------------


@pytest.fixture
def waiting(bay, booking):
    other_van = VehicleFactory(length_m=Decimal("6"))
    return waitlist_join(organisation=other_van.organisation, bay=bay, vehicle=other_van,
                         start=at(FRIDAY, "09:20"), end=at(FRIDAY, "09:30"))


def committed():
    """Run what the commit of the freeing runs: the offer to the waitlist."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def offered(entry):
    entry.refresh_from_db()
    return entry.status == WaitlistEntry.Status.OFFERED


def test_a_no_show_release_offers_the_time_to_the_waitlist(waiting):
    with committed():
        services.release_no_shows(now=at(FRIDAY, "09:15"))
    assert offered(waiting)


def test_an_early_check_out_offers_the_rest_to_the_waitlist(booking, waiting):
    services.booking_check_in(booking=booking, now=at(FRIDAY, "08:55"))
    with committed():
        services.booking_check_out(booking=booking, now=at(FRIDAY, "09:05"))
    assert offered(waiting)


def test_a_check_out_at_the_end_offers_nothing(booking, waiting):
    services.booking_check_in(booking=booking, now=at(FRIDAY, "08:55"))
    with committed():
        services.booking_check_out(booking=booking, now=at(FRIDAY, "09:30"))
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.WAITING


def test_a_reschedule_offers_the_time_it_left(bay, booking, waiting):
    with committed():
        services.booking_reschedule(booking=booking, start=at(FRIDAY, "10:00"),
                                    end=at(FRIDAY, "10:30"))
    assert offered(waiting)


def test_a_reschedule_that_keeps_the_waited_for_time_offers_nothing(bay, booking, waiting):
    with committed():
        services.booking_reschedule(booking=booking, start=at(FRIDAY, "09:05"),
                                    end=at(FRIDAY, "09:30"))
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.WAITING


# --- Each life event is announced -----------------------------------------------------------


def test_each_life_event_is_announced_once(bay, van):
    WebhookEndpoint.objects.create(organisation=van.organisation, url="https://example.org/h")
    van.organisation.refresh_from_db()
    first = book(bay, van, at(FRIDAY, "09:00"), at(FRIDAY, "09:30"))
    services.booking_reschedule(booking=first, start=at(FRIDAY, "09:30"),
                                end=at(FRIDAY, "10:00"))
    services.booking_check_in(booking=first, now=at(FRIDAY, "09:30"))
    services.booking_check_out(booking=first, now=at(FRIDAY, "09:45"))
    second = book(bay, van, at(FRIDAY, "10:00"), at(FRIDAY, "10:30"))
    services.release_no_shows(now=at(FRIDAY, "10:15"))
    kinds = list(WebhookEvent.objects.order_by("pk").values_list("event_type", flat=True))
    assert kinds == ["booking.confirmed", "booking.rescheduled", "booking.checked_in",
                     "booking.checked_out", "booking.confirmed", "booking.no_show"]
    rescheduled = WebhookEvent.objects.get(event_type="booking.rescheduled").payload
    assert rescheduled["previous"]["start"].startswith("2026-03-27T09:00")
    assert second.organisation.notifications.filter(kind="booking.no_show").count() == 1
