"""Several admins save the same windows at the same moment: each booker is told once."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.services import booking_create
from console.services import WindowSpec, windows_replace
from notifications.models import Notification
from places.localtime import LOCAL
from places.models import LoadingBay
from tests.factories import BayFactory, OrganisationFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)
ADMINS = 6
DAY = dt.date.today() + dt.timedelta(days=2)


def test_saving_the_same_windows_at_once_tells_each_booker_once():
    bay = BayFactory()
    for hour in (8, 9):
        start = dt.datetime.combine(DAY, dt.time(hour), tzinfo=LOCAL)
        booking_create(bay=bay, organisation=OrganisationFactory(), vehicle_length_m=Decimal(5),
                       vehicle_mass_kg=3500, zero_emission=True, start=start,
                       end=start + dt.timedelta(minutes=30))
    afternoon = [WindowSpec(DAY.weekday(), dt.time(13), dt.time(17))]

    def save(_number):
        windows_replace(bay=LoadingBay.objects.get(pk=bay.pk), windows=afternoon)
        return Notification.objects.filter(kind="booking.affected").count()

    assert race(ADMINS, save) == Counter({2: ADMINS})
    assert Notification.objects.filter(kind="booking.affected").count() == 2
    assert set(Booking.objects.values_list("affected_reason", flat=True)) == {"window_changed"}
