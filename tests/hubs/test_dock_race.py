"""Many carriers race for the last dock doors of a hub: the hub never over-fills.

As tests/bookings/test_race.py does for bays: threads with their own database
connections, released together by a barrier; a control run without the lock
shows that the test can see a race when there is one.
"""

import datetime as dt
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from hubs import errors
from hubs.models import DockReservation
from hubs.services import docks
from places.localtime import LOCAL
from tests.factories import HubFactory, OrganisationFactory
from tests.races import race, without_locks

pytestmark = pytest.mark.django_db(transaction=True)
CARRIERS = 32
DOORS_FOR_A_VAN = 3  # two 8 m van doors and the 18 m truck door
DAY = dt.date.today() + dt.timedelta(days=2)


def race_for(hub, organisation):
    start = dt.datetime.combine(DAY, dt.time(8), tzinfo=LOCAL)

    def reserve(_number):
        try:
            docks.dock_reservation_create(
                hub=hub,
                organisation=organisation,
                vehicle_length_m=Decimal("7.5"),
                start=start,
                end=start + dt.timedelta(minutes=30),
            )
        except errors.DockFull:
            return "dock_full"
        return "reserved"

    return race(CARRIERS, reserve)


def most_trucks_at_one_door(hub) -> int:
    reservations = DockReservation.objects.confirmed().filter(hub=hub)
    return max(
        (
            reservations.filter(door=r.door).overlapping(r.start, r.end).count()
            for r in reservations
        ),
        default=0,
    )


@pytest.fixture
def contested_hub():
    return HubFactory(), OrganisationFactory()


def test_racing_carriers_fill_exactly_the_free_doors_and_no_more(contested_hub):
    hub, organisation = contested_hub
    outcomes = race_for(hub, organisation)
    assert outcomes == Counter(
        {"reserved": DOORS_FOR_A_VAN, "dock_full": CARRIERS - DOORS_FOR_A_VAN}
    )
    assert most_trucks_at_one_door(hub) == 1


def test_without_the_lock_the_same_race_goes_wrong(contested_hub, monkeypatch):
    hub, organisation = contested_hub
    without_locks(monkeypatch)
    real_pick = docks._pick_door

    def slow_pick(*args, **kwargs):
        door = real_pick(*args, **kwargs)
        time.sleep(0.05)  # a slow request between "count" and "insert"
        return door

    monkeypatch.setattr(docks, "_pick_door", slow_pick)
    outcomes = race_for(hub, organisation)
    clean = outcomes == Counter(
        {"reserved": DOORS_FOR_A_VAN, "dock_full": CARRIERS - DOORS_FOR_A_VAN}
    )
    assert not clean, outcomes
    if connection.vendor == "postgresql":
        # What the missing lock let through, the exclusion constraint still refuses.
        assert outcomes["IntegrityError"] > 0, outcomes
        assert most_trucks_at_one_door(hub) == 1
