"""Two admins press "notify" at the same moment: every booker is still told once."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from bookings.services import booking_create
from notifications.models import Notification
from places.localtime import LOCAL
from places.models import Closure
from places.services import closure_announce
from tests.factories import BayFactory, OrganisationFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)
ADMINS = 8
DAY = dt.date.today() + dt.timedelta(days=2)


def test_announcing_at_once_from_many_places_notifies_each_booker_once():
    bay = BayFactory()
    for hour in (8, 9):
        start = dt.datetime.combine(DAY, dt.time(hour), tzinfo=LOCAL)
        booking_create(bay=bay, organisation=OrganisationFactory(), vehicle_length_m=Decimal(5),
                       vehicle_mass_kg=3500,
                       zero_emission=True, start=start, end=start + dt.timedelta(minutes=30))
    closure = Closure.objects.create(bay=bay, reason="roadworks", start_date=DAY, end_date=DAY)
    def announce(_number):
        return len(closure_announce(Closure.objects.get(pk=closure.pk)))

    assert race(ADMINS, announce) == Counter({0: ADMINS - 1, 2: 1})
    assert Notification.objects.filter(kind="closure.announced").count() == 2
