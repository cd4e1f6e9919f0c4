"""Racing uses of a vehicle's last day exemption: the yearly limit is never exceeded.

Each user is a thread with its own connection, released together by a
barrier, each spending a different day. A control run switches the lock off
and widens the gap between the count and the insert, to show the race this
test would see if there were one.
"""

import datetime as dt
import time
from collections import Counter

import pytest
from django.db import connection

from access import errors, services
from access.models import DayExemptionUse, Exemption
from tests.access.factories import ExemptionFactory
from tests.factories import ZoneFactory
from tests.races import race, without_locks

pytestmark = pytest.mark.django_db(transaction=True)
USERS = 8
LIMIT = 12
PLATE = "VD456L"


@pytest.fixture
def almost_used_up():
    zone = ZoneFactory()
    exemption = ExemptionFactory(plate=PLATE, municipality=zone.municipality,
                                 kind=Exemption.Kind.DAY, days_per_year=LIMIT)
    for n in range(LIMIT - 1):
        DayExemptionUse.objects.create(plate=PLATE, municipality=zone.municipality,
                                       exemption=exemption, day=dt.date(2026, 1, 5 + n))
    return zone


def race_for(zone):
    def use(number):
        try:
            services.day_exemption_use(plate=PLATE, zone=zone, day=dt.date(2026, 6, 1 + number))
        except errors.DayExemptionsUsedUp:
            return "used_up"
        return "used"

    return race(USERS, use)


def days_used(zone):
    return DayExemptionUse.objects.filter(plate=PLATE, municipality=zone.municipality,
                                          day__year=2026).count()


def test_racing_users_spend_exactly_the_last_day_and_no_more(almost_used_up):
    outcomes = race_for(almost_used_up)
    assert outcomes == Counter({"used": 1, "used_up": USERS - 1})
    assert days_used(almost_used_up) == LIMIT


def test_without_the_lock_the_same_race_goes_wrong(almost_used_up, monkeypatch):
    without_locks(monkeypatch)
    real_days_used = services._days_used

    def slow_days_used(*args):
        result = real_days_used(*args)
        time.sleep(0.05)  # a slow request between "count" and "insert"
        return result

    monkeypatch.setattr(services, "_days_used", slow_days_used)
    outcomes = race_for(almost_used_up)
    assert outcomes != Counter({"used": 1, "used_up": USERS - 1}), outcomes
    if connection.vendor == "postgresql":
        assert days_used(almost_used_up) > LIMIT
