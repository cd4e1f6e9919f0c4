"""Freed kerb time goes to the waitlist once, and an offer holds it for its holder.

Every path that frees time (cancel, reschedule, no-show release, early check-out, a
closure lifted or shortened, windows widened) offers it once the freeing commits; the
offer holds the time for WAITLIST_OFFER_MINUTES against everybody but its holder, who
books it through booking_create; an offer that expires passes to the next in line.
The races run on PostgreSQL for real (and once on SQLite, whose write lock serialises).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory, TestCase

from bookings import errors, services, waitlist
from bookings.models import Booking, WaitlistEntry
from bookings.selectors import availability
from console.services import WindowSpec, closure_create, windows_replace
from notifications.models import Notification
from places import localtime
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, UserFactory, VehicleFactory
from tests.races import race
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.usefixtures("frozen_now")]
OFFERED, WAITING = WaitlistEntry.Status.OFFERED, WaitlistEntry.Status.WAITING


def committed():
    """Run what the commit of a freeing runs: the offer to the waitlist."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)


def book(bay, start="09:00", end="09:30", vehicle=None):
    vehicle = vehicle or VehicleFactory(length_m=Decimal("6"))
    return services.booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                                   start=at(FRIDAY, start), end=at(FRIDAY, end))


def wait(bay, start="09:00", end="09:30"):
    """A carrier with a webhook endpoint joins the line for the full time."""
    vehicle = VehicleFactory(length_m=Decimal("6"))
    WebhookEndpoint.objects.create(organisation=vehicle.organisation,
                                   url="https://example.org/hook")
    vehicle.organisation.refresh_from_db()
    return waitlist.waitlist_join(organisation=vehicle.organisation, bay=bay, vehicle=vehicle,
                                  start=at(FRIDAY, start), end=at(FRIDAY, end))


def status(entry):
    return WaitlistEntry.objects.get(pk=entry.pk).status


def offers_to(entry) -> int:
    """How often the entry's organisation was told of an offer (notification and webhook)."""
    notified = Notification.objects.filter(organisation=entry.organisation,
                                           kind="waitlist.offered").count()
    published = WebhookEvent.objects.filter(organisation=entry.organisation,
                                            event_type="waitlist.offered").count()
    assert notified == published
    return notified


# --- Every freeing path offers once -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("free", [
    pytest.param(lambda b: services.booking_cancel(booking=b), id="cancel"),
    pytest.param(lambda b: services.booking_reschedule(
        booking=b, start=at(FRIDAY, "10:00"), end=at(FRIDAY, "10:30")), id="reschedule"),
    pytest.param(lambda b: services.release_no_shows(now=at(FRIDAY, "09:15")),
                 id="no-show release"),
    pytest.param(lambda b: services.booking_check_out(
        booking=services.booking_check_in(booking=b, now=at(FRIDAY, "08:55")),
        now=at(FRIDAY, "09:05")), id="early check-out"),
])
def test_each_freeing_of_a_booking_offers_the_time_once(bay, free):
    booking = book(bay)
    entry = wait(bay, "09:20", "09:30")
    with committed():
        free(booking)
    assert status(entry) == OFFERED and offers_to(entry) == 1
    with committed():  # a second round finds nobody waiting that fits
        waitlist.offer_time(bay.pk, at(FRIDAY, "09:00"), at(FRIDAY, "09:30"))
    assert offers_to(entry) == 1


@pytest.mark.django_db
def test_nothing_is_offered_before_the_freeing_commits(bay):
    booking = book(bay)
    entry = wait(bay)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.booking_cancel(booking=booking)
    assert status(entry) == WAITING and len(callbacks) == 1


def _closed_then_freed(bay, *, closure):
    """The entry waits for a full 09:00; the time is closed meanwhile, so the cancellation
    cannot offer it: only lifting the closure can."""
    booking = book(bay)
    entry = wait(bay)
    closure_create(closure=closure)
    with committed():
        services.booking_cancel(booking=booking)
    assert status(entry) == WAITING
    return entry


def closure_admin_request():
    request = RequestFactory().post("/admin/places/closure/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request, admin.site._registry[Closure]


@pytest.mark.django_db
def test_a_closure_lifted_in_the_admin_offers_the_time_once(bay):
    closure = Closure(bay=bay, reason=Closure.Reason.ROADWORKS, start_date=FRIDAY,
                      end_date=FRIDAY)
    entry = _closed_then_freed(bay, closure=closure)
    request, closure_admin = closure_admin_request()
    with committed():
        closure_admin.delete_model(request, closure)
    assert status(entry) == OFFERED and offers_to(entry) == 1


@pytest.mark.django_db
def test_a_closure_shortened_in_the_admin_offers_the_time_once(bay):
    closure = Closure(bay=bay, reason=Closure.Reason.ROADWORKS, start_date=FRIDAY,
                      end_date=FRIDAY, start_time=dt.time(8), end_time=dt.time(10))
    entry = _closed_then_freed(bay, closure=closure)
    request, closure_admin = closure_admin_request()
    closure.end_time = dt.time(8, 30)
    with committed():
        closure_admin.save_model(request, closure, form=None, change=True)
    assert status(entry) == OFFERED and offers_to(entry) == 1


@pytest.mark.django_db
def test_windows_widened_in_the_console_offer_the_time_once(bay):
    booking = book(bay)
    entry = wait(bay)
    weekdays = range(7)
    narrow = [WindowSpec(d, dt.time(7), dt.time(8, 30)) for d in weekdays]
    windows_replace(zone=bay.zone, windows=narrow)
    with committed():
        services.booking_cancel(booking=booking)
    assert status(entry) == WAITING  # 09:00 is outside the windows now
    wide = [WindowSpec(d, dt.time(7), dt.time(11)) for d in weekdays]
    with committed():
        windows_replace(zone=bay.zone, windows=wide)
    assert status(entry) == OFFERED and offers_to(entry) == 1


# --- The offer holds its time ------------------------------------------------------------------


@pytest.fixture
def offer(bay):
    booking = book(bay)
    entry = wait(bay)
    with committed():
        services.booking_cancel(booking=booking)
    entry.refresh_from_db()
    assert entry.status == OFFERED
    assert entry.offer_expires_at == localtime.later(localtime.now(), 15)
    return entry


@pytest.mark.django_db
def test_held_time_is_refused_to_everybody_else_with_its_own_code(bay, offer):
    with pytest.raises(errors.HeldForWaitlist) as refused:
        book(bay, "09:10", "09:40")
    assert refused.value.code == "held_for_waitlist" and refused.value.http_status == 409
    other = book(bay, "10:00", "10:30")
    with pytest.raises(errors.HeldForWaitlist):
        services.booking_reschedule(booking=other, start=at(FRIDAY, "09:00"),
                                    end=at(FRIDAY, "09:30"))


@pytest.mark.django_db
def test_availability_shows_held_time_as_taken(bay, offer):
    [free] = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=Decimal("6"),
                          zero_emission=True, bays=[bay])
    assert at(FRIDAY, "09:00") not in free.starts and at(FRIDAY, "10:00") in free.starts


@pytest.mark.django_db
def test_the_holder_books_the_held_time_through_every_rule(bay, offer):
    booking = waitlist.waitlist_claim(entry=offer)
    assert (booking.start, booking.end, booking.organisation) == (
        offer.start, offer.end, offer.organisation)
    offer.refresh_from_db()
    assert offer.status == WaitlistEntry.Status.ACCEPTED and offer.booking == booking
    with pytest.raises(waitlist.OfferNotOpen):
        waitlist.waitlist_claim(entry=offer)


@pytest.mark.django_db
def test_a_claim_still_follows_the_rules(bay, offer):
    offer.bay.is_active = False
    offer.bay.save()
    with pytest.raises(errors.BayInactive):
        waitlist.waitlist_claim(entry=offer)
    assert status(offer) == OFFERED and not Booking.objects.filter(
        status=Booking.Status.CONFIRMED).exists()


@pytest.mark.django_db
def test_once_the_offer_expires_the_time_is_free_again(bay, offer, time_machine):
    time_machine.move_to(localtime.later(localtime.now(), 16), tick=False)
    assert book(bay).status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_expiry_passes_the_offer_to_the_next_that_fits_and_tells_both(bay, offer,
                                                                       time_machine):
    second = wait(bay, "09:00", "09:15")
    third = wait(bay, "09:00", "09:30")
    assert status(second) == WAITING  # joined behind a hold: the time counts as full
    time_machine.move_to(localtime.later(localtime.now(), 16), tick=False)
    assert waitlist.expire_offers() == 1
    assert waitlist.expire_offers() == 0  # idempotent
    assert status(offer) == WaitlistEntry.Status.EXPIRED
    assert status(second) == OFFERED and status(third) == WAITING  # one stay fits at a time
    expired = Notification.objects.get(organisation=offer.organisation,
                                       kind="waitlist.offer_expired")
    assert expired.payload["waitlist_entry"] == offer.pk
    assert WebhookEvent.objects.filter(organisation=offer.organisation,
                                       event_type="waitlist.offer_expired").count() == 1
    assert offers_to(second) == 1


@pytest.mark.django_db
def test_an_expired_offer_with_nobody_next_releases_the_time(bay, offer, time_machine):
    time_machine.move_to(localtime.later(localtime.now(), 16), tick=False)
    assert waitlist.expire_offers() == 1
    [free] = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=Decimal("6"),
                          zero_emission=True, bays=[bay])
    assert at(FRIDAY, "09:00") in free.starts


@pytest.mark.django_db
def test_declining_an_offer_passes_it_on(bay, offer):
    second = wait(bay)
    waitlist.waitlist_withdraw(entry=offer)
    assert status(second) == OFFERED


# --- Races (PostgreSQL for real) ---------------------------------------------------------------


def _rounds():
    return 6 if connection.vendor == "postgresql" else 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_frees_offer_each_freed_place_exactly_once():
    """Two places freed at once, three in line: the first two get one offer each."""
    for round_ in range(_rounds()):
        bay = BayFactory(kerb_length_m=Decimal("14"), max_vehicles=2)
        bookings = [book(bay), book(bay)]
        line = [wait(bay) for _ in range(3)]
        outcomes = race(2, lambda n, bookings=bookings:
                        services.booking_cancel(booking=bookings[n]).status)
        assert outcomes == {Booking.Status.CANCELLED: 2}, round_
        assert [status(e) for e in line] == [OFFERED, OFFERED, WAITING], round_
        assert [offers_to(e) for e in line] == [1, 1, 0], round_


@pytest.mark.django_db(transaction=True)
def test_concurrent_offer_rounds_for_one_freed_place_offer_it_once():
    for round_ in range(_rounds()):
        bay = BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)
        booking = book(bay)
        line = [wait(bay), wait(bay)]
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
        outcomes = race(3, lambda n, bay=bay, booking=booking:
                        len(waitlist.offer_time(bay.pk, booking.start, booking.end)))
        assert outcomes == {1: 1, 0: 2}, round_
        assert [status(e) for e in line] == [OFFERED, WAITING], round_
        assert offers_to(line[0]) == 1, round_


@pytest.mark.django_db(transaction=True)
def test_two_claims_and_a_stranger_cannot_all_take_the_held_time():
    for round_ in range(_rounds()):
        bay = BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)
        booking = book(bay)
        entry = wait(bay)
        services.booking_cancel(booking=booking)  # committed: the offer is made
        assert status(entry) == OFFERED

        def act(n, bay=bay, entry=entry):
            if n < 2:
                return ("claim", waitlist.waitlist_claim(entry=entry).organisation_id)
            return ("stranger", book(bay).status)

        outcomes = race(3, act)
        assert outcomes[("claim", entry.organisation_id)] == 1, outcomes
        assert outcomes["OfferNotOpen"] == 1, outcomes
        assert outcomes["HeldForWaitlist"] + outcomes["BayFull"] == 1, outcomes
        held = Booking.objects.occupying().filter(bay=bay).overlapping(entry.start, entry.end)
        assert [b.organisation_id for b in held] == [entry.organisation_id], round_


@pytest.mark.django_db
def test_the_sql_of_held_stays_returns_the_open_offers_but_the_holders_own(bay, offer):
    window = (at(FRIDAY, "07:00"), at(FRIDAY, "11:00"))
    held = Booking.objects.occupying_stays([bay.pk], *window, held_at=localtime.now())
    assert [(pk, start, end) for pk, _bay, start, end, _length in held] == [
        (None, offer.start, offer.end)]
    assert Booking.objects.occupying_stays([bay.pk], *window, held_at=localtime.now(),
                                           exclude_hold_id=offer.pk) == []
    later = localtime.later(offer.offer_expires_at, 0)
    assert Booking.objects.occupying_stays([bay.pk], *window, held_at=later) == []
