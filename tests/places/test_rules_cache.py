"""The rules cache: a change is seen at once in its own process, within a second elsewhere,
at once by a booking under lock, and nothing breaks when the cache is unreachable."""

import datetime as dt

import pytest
from django.core.cache import cache

from bookings import errors
from bookings.selectors import availability
from bookings.services import booking_create
from operations import cache as shared_cache
from places import caching
from places.models import Closure, TimeWindow
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def first_free(bay, *, clean=True):
    [found] = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=6,
                           zero_emission=clean, bays=[bay])
    return found.starts[0].strftime("%H:%M") if found.starts else None


def book(bay, start, end):
    vehicle = VehicleFactory(zero_emission=True)
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=start, end=end)


def another_process_changed_the_rules():
    """What a save in another web process leaves behind: a new version in the shared cache
    (this process's signal handlers did not run)."""
    cache.set(caching.RULES_VERSION_KEY, "changed-elsewhere", None)


@pytest.fixture
def clock(monkeypatch):
    """Move this process's monotonic clock, which times how long a version is trusted."""
    offset = [0.0]
    real = caching.time.monotonic
    monkeypatch.setattr(caching.time, "monotonic", lambda: real() + offset[0])
    return offset


def test_a_closure_saved_here_is_seen_by_the_next_availability_query():
    bay = BayFactory()
    assert first_free(bay) == "07:00"  # now cached
    Closure.objects.create(bay=bay, reason=Closure.Reason.ROADWORKS, start_date=FRIDAY,
                           end_date=FRIDAY, start_time=dt.time(7), end_time=dt.time(9))
    assert first_free(bay) == "09:00"


def test_a_change_made_elsewhere_is_seen_within_a_second(clock):
    bay = BayFactory()
    assert first_free(bay) == "07:00"
    TimeWindow.objects.filter(zone=bay.zone).update(start=dt.time(8))  # no signal here
    another_process_changed_the_rules()
    assert first_free(bay) == "07:00"  # this process trusts its version for a second
    clock[0] += caching.VERSION_CHECK_SECONDS
    assert first_free(bay) == "08:00"


def test_a_booking_under_lock_checks_the_version_at_once(clock):
    bay = BayFactory()
    assert first_free(bay) == "07:00"
    TimeWindow.objects.filter(zone=bay.zone).update(start=dt.time(8))
    another_process_changed_the_rules()
    with pytest.raises(errors.OutsideWindow):
        book(bay, at(FRIDAY, "07:00"), at(FRIDAY, "07:30"))


def test_availability_and_booking_work_when_the_cache_is_unreachable(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    bay = BayFactory()
    Closure.objects.create(bay=bay, reason=Closure.Reason.MARKET, start_date=FRIDAY,
                           end_date=FRIDAY, start_time=dt.time(7), end_time=dt.time(8))
    for name in ("get", "get_many", "set", "set_many", "add", "delete_many"):
        monkeypatch.setattr(cache, name, unreachable)
    caching._local.adopt(None)  # what this process remembered is gone too
    assert first_free(bay) == "08:00"
    assert book(bay, at(FRIDAY, "08:00"), at(FRIDAY, "08:30")).pk
    with pytest.raises(errors.BayClosed):
        book(bay, at(FRIDAY, "07:00"), at(FRIDAY, "07:30"))


def test_the_cache_helpers_turn_failures_into_misses(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", unreachable)
    monkeypatch.setattr(cache, "set_many", unreachable)
    assert shared_cache.get_or_none("anything") is None
    shared_cache.set_many({"anything": 1}, 60)  # logged, not raised
