"""Bookers book while an admin publishes windows that no longer cover their time: every
booking that stands under the new windows has had its booker told, once."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.services import booking_create
from console.services import WindowSpec, windows_publish
from notifications.models import Notification
from places import localtime
from tests.factories import BayFactory, OrganisationFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)
BOOKERS = 6
DAY = localtime.now().date() + dt.timedelta(days=3)
MORNINGS = [WindowSpec(day, dt.time(6), dt.time(9)) for day in range(7)]


def test_a_booking_made_while_publishing_is_refused_or_its_booker_told():
    bay = BayFactory(max_vehicles=BOOKERS, kerb_length_m=Decimal("60"))
    bookers = [OrganisationFactory() for _ in range(BOOKERS)]
    start = localtime.make_local(DAY, dt.time(10))

    def act(number):
        if number == BOOKERS:
            windows_publish(zone=bay.zone, valid_from=DAY, windows=MORNINGS)
            return "published"
        booking_create(bay=bay, organisation=bookers[number], vehicle_length_m=Decimal(5),
                       vehicle_mass_kg=2500,
                       zero_emission=False, start=start,
                       end=start + dt.timedelta(minutes=30))
        return "booked"

    outcomes = race(BOOKERS + 1, act)
    assert outcomes["published"] == 1
    assert outcomes["booked"] + outcomes["OutsideWindow"] == BOOKERS
    standing = set(Booking.objects.filter(start=start).values_list("reference", flat=True))
    told = [n.payload["booking"]["reference"]
            for n in Notification.objects.filter(kind=Notification.Kind.WINDOWS_CHANGED)]
    assert len(standing) == outcomes["booked"]
    assert sorted(told) == sorted(standing)
