"""Many bookers race for the last places of a bay: the bay never over-fills.

Each booker is a thread with its own database connection, released together by
a barrier. A control run switches the lock off and widens the gap between the
check and the insert, to show that this test can see a race when there is one.
"""

import datetime as dt
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from bookings import errors, services
from bookings.models import Booking
from places.localtime import LOCAL
from tests.factories import BayFactory, OrganisationFactory
from tests.races import race, without_locks

pytestmark = pytest.mark.django_db(transaction=True)
BOOKERS = 32
ROOM = 3
DAY = dt.date.today() + dt.timedelta(days=2)


def race_for(bay, organisation):
    """BOOKERS bookings for the same bay and minute at once; count the outcomes."""
    start = dt.datetime.combine(DAY, dt.time(8), tzinfo=LOCAL)

    def book(_number):
        try:
            services.booking_create(
                bay=bay, organisation=organisation, vehicle_length_m=Decimal("5"),
                vehicle_mass_kg=3500,
                zero_emission=True, start=start, end=start + dt.timedelta(minutes=30),
                channel=Booking.Channel.API,
            )
        except errors.BayFull:
            return "bay_full"
        return "booked"

    return race(BOOKERS, book)


def most_vehicles_at_once(bay) -> int:
    bookings = Booking.objects.occupying().filter(bay=bay)
    return max((bookings.overlapping(b.start, b.end).count() for b in bookings), default=0)


@pytest.fixture
def contested_bay():
    bay = BayFactory(max_vehicles=ROOM, kerb_length_m=Decimal("30"), zone__book_ahead_days=30)
    return bay, OrganisationFactory()


def test_racing_bookers_fill_exactly_the_free_places_and_no_more(contested_bay):
    bay, organisation = contested_bay
    outcomes = race_for(bay, organisation)
    assert outcomes == Counter({"booked": ROOM, "bay_full": BOOKERS - ROOM})
    assert most_vehicles_at_once(bay) == ROOM


def test_without_the_lock_the_same_race_goes_wrong(contested_bay, monkeypatch):
    bay, organisation = contested_bay
    without_locks(monkeypatch)
    real_check = services._check_vehicle_free

    def slow_check(**kwargs):
        time.sleep(0.05)  # a slow request between "count" and "insert"
        return real_check(**kwargs)

    monkeypatch.setattr(services, "_check_vehicle_free", slow_check)
    outcomes = race_for(bay, organisation)
    clean = outcomes == Counter({"booked": ROOM, "bay_full": BOOKERS - ROOM})
    assert not clean, outcomes
    if connection.vendor == "postgresql":
        assert most_vehicles_at_once(bay) > ROOM
