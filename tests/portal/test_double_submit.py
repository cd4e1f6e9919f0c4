"""The same form sent many times at once books once: the token row is the guard.

Each sender is a thread with its own database connection, released together,
so the sends really overlap; a booking bay with room for all of them shows
that only the token, not the bay, stops the repeats.
"""

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from places.localtime import LOCAL
from portal import services
from tests.factories import BayFactory, OrganisationFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)
SENDERS = 8


def test_one_form_sent_eight_times_at_once_books_once():
    bay = BayFactory(kerb_length_m=Decimal("80"), max_vehicles=SENDERS)
    shop = OrganisationFactory()
    day = dt.date.today() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(8), tzinfo=LOCAL)
    def send(number):
        try:
            services.book(
                token="one-form", organisation=shop, user=None, bay=bay, start=start,
                end=start + dt.timedelta(minutes=30 + number),
                vehicle_length_m=Decimal("5"), vehicle_mass_kg=3500, zero_emission=False,
            )
        except services.AlreadySent:
            return "already_sent"
        return "booked"

    outcomes = race(SENDERS, send)
    assert outcomes == {"booked": 1, "already_sent": SENDERS - 1}
    assert Booking.objects.filter(organisation=shop).count() == 1
