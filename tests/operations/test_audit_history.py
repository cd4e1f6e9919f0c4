"""The audit trail: history rows as simple_history writes them, its manager class built once,
and a new row with its history row in one statement."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from bookings.models import Booking
from bookings.services import booking_cancel, booking_create, new_reference
from operations.history import create_with_history
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, UserFactory, VehicleFactory

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


# --- create_with_history: the row and its history row in one statement ---------------------

def _fields(bay, van, hhmm="09:00", **extra):
    start = at(FRIDAY, hhmm)
    return dict(bay=bay, organisation=van.organisation, vehicle=van, plate=van.plate,
                vehicle_length_m=van.length_m, zero_emission=van.zero_emission, start=start,
                end=start + dt.timedelta(minutes=30), channel=Booking.Channel.API,
                reference=new_reference(), **extra)


def _history_row(booking) -> dict:
    row = Booking.history.filter(id=booking.pk).values().get()
    for differs in ("history_id", "history_date", "id", "reference", "start", "end",
                    "created_at", "updated_at"):
        row.pop(differs)
    return row


def test_the_history_row_is_the_one_simple_history_writes():
    bay, van = BayFactory(), VehicleFactory()
    ours = create_with_history(Booking, **_fields(bay, van, "09:00", note="a"))
    theirs = Booking.objects.create(**_fields(bay, van, "10:00", note="a"))
    assert _history_row(ours) == _history_row(theirs)
    stored = Booking.history.get(id=ours.pk)
    assert (stored.reference, stored.start, stored.created_at) == (
        ours.reference, ours.start, ours.created_at)
    assert Booking.objects.get(pk=ours.pk).created_at == ours.created_at


def test_it_returns_the_saved_instance():
    bay, van = BayFactory(), VehicleFactory()
    booking = create_with_history(Booking, **_fields(bay, van))
    assert booking.pk is not None and not booking._state.adding
    assert Booking.objects.get(pk=booking.pk).reference == booking.reference
    booking.note = "changed"
    booking.save()  # an update, not a second insert
    assert [h.history_type for h in booking.history.order_by("history_date")] == ["+", "~"]


def test_on_postgresql_it_is_one_statement():
    bay, van = BayFactory(), VehicleFactory()
    with CaptureQueriesContext(connection) as queries:
        create_with_history(Booking, **_fields(bay, van))
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2)


def test_the_signed_in_user_is_recorded():
    bay, van, user = BayFactory(), VehicleFactory(), UserFactory()
    request = RequestFactory().post("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        booking = create_with_history(Booking, **_fields(bay, van))
    finally:
        del HistoricalRecords.context.request
    assert Booking.history.get(id=booking.pk).history_user == user


def test_save_signals_are_sent_once_and_history_written_once():
    bay, van = BayFactory(), VehicleFactory()
    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.reference, created, instance.pk is not None))

    post_save.connect(listener, sender=Booking, dispatch_uid="test-listener")
    try:
        booking = create_with_history(Booking, **_fields(bay, van))
    finally:
        post_save.disconnect(dispatch_uid="test-listener", sender=Booking)
    assert heard == [(booking.reference, True, True)]
    assert Booking.history.filter(id=booking.pk).count() == 1
    assert not hasattr(booking, "skip_history_when_saving")


def test_listeners_of_history_signals_still_hear_them():
    bay, van = BayFactory(), VehicleFactory()
    heard = []

    def listener(sender, history_instance, **kwargs):
        heard.append(history_instance.history_type)

    HistoricalBooking = Booking.history.model
    pre_create_historical_record.connect(listener, sender=HistoricalBooking,
                                         dispatch_uid="test-history-listener")
    try:
        booking = create_with_history(Booking, **_fields(bay, van))
    finally:
        pre_create_historical_record.disconnect(sender=HistoricalBooking,
                                                dispatch_uid="test-history-listener")
    assert heard == ["+"]
    assert Booking.history.filter(id=booking.pk).count() == 1


def test_a_refused_insert_leaves_neither_row():
    bay, van = BayFactory(), VehicleFactory()
    first = create_with_history(Booking, **_fields(bay, van, "09:00"))
    history_before = Booking.history.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        create_with_history(Booking, **{**_fields(bay, van, "11:00"), "reference": first.reference})
    assert Booking.objects.count() == 1
    assert Booking.history.count() == history_before


def test_with_history_switched_off_no_history_row_is_written(settings):
    bay, van = BayFactory(), VehicleFactory()
    create_with_history(Booking, **_fields(bay, van, "09:00"))  # the statement is built now
    settings.SIMPLE_HISTORY_ENABLED = False
    booking = create_with_history(Booking, **_fields(bay, van, "10:00"))
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert not Booking.history.filter(id=booking.pk).exists()
