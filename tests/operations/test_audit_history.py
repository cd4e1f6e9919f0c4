"""The audit trail: history rows as simple_history writes them, its manager class built once."""

import pytest

from bookings.services import booking_cancel, booking_create
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _book(bay):
    van = VehicleFactory()
    return booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                          start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))


def test_every_instance_history_shares_one_manager_class():
    bay = BayFactory()
    first, second = _book(bay), _book(bay)
    assert type(first.history) is type(second.history)
    assert first.history.instance == first and second.history.instance == second


def test_history_rows_are_written_and_read_per_instance():
    bay = BayFactory()
    kept, cancelled = _book(bay), _book(bay)
    booking_cancel(booking=cancelled)
    assert [h.history_type for h in kept.history.all()] == ["+"]
    assert [h.status for h in cancelled.history.order_by("history_date")] == [
        "confirmed", "cancelled"]
    assert type(kept).history.filter(id=cancelled.pk).count() == 2
