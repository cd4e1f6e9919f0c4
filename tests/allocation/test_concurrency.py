"""An instant booking made while a plan is being applied waits for it, then sees it."""

import datetime as dt
import threading

import pytest
from django.db import connection

from bookings import allocation, errors
from bookings.allocation import apply_plan, build_instance
from bookings.models import AllocationRun, Booking
from bookings.services import booking_create
from places import localtime
from solvers import allocation as solver

from .helpers import a_request, a_vehicle, a_zone_with_bays, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "race-shown-unlocked"])
def test_an_instant_booking_during_the_apply_waits_and_cannot_overfill_the_bay(monkeypatch,
                                                                               locked):
    if not locked and connection.vendor == "sqlite":
        pytest.skip("SQLite serialises every write transaction: the race cannot happen there.")
    monkeypatch.setattr("bookings.locking.LOCKING_ENABLED", locked)
    day = localtime.now().date() + dt.timedelta(days=2)
    zone, (bay,) = a_zone_with_bays(1, max_vehicles=1)
    a_request(zone, [bay], day, earliest="08:00", latest="08:30", duration=30)
    run = allocation.allocation_run_start(zone=zone, day=day,
                                          trigger=AllocationRun.Trigger.COMMAND, enqueue=False)
    _, attempt = allocation._claim(run.pk, "t1")
    built = build_instance(zone=zone, day=day)
    solution = solver.solve(built.instance, time_limit=1, workers=1)

    inside, release = threading.Event(), threading.Event()
    save = allocation._save_bookings

    def pause_inside_the_apply(bookings):
        save(bookings)
        inside.set()
        release.wait(10)

    monkeypatch.setattr(allocation, "_save_bookings", pause_inside_the_apply)
    outcome = {}
    van = a_vehicle()

    def instant_booker():
        inside.wait(10)
        release_timer = threading.Timer(1.0, release.set)  # the apply commits a second later
        release_timer.start()
        try:
            booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                           start=at(day, "08:10"), end=at(day, "08:20"))
            outcome["result"] = "booked"
        except errors.BookingError as exc:
            outcome["result"] = exc.code
        finally:
            connection.close()

    booker = threading.Thread(target=instant_booker)
    booker.start()
    apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution)
    release.set()
    booker.join(20)
    if not locked:  # without the lock the booker reads the bay before the plan commits
        assert outcome["result"] == "booked"
        assert Booking.objects.filter(bay=bay).count() == 2  # one vehicle place, two vehicles
        return
    assert outcome["result"] == "bay_full"
    assert Booking.objects.filter(bay=bay).count() == 1
    assert Booking.objects.get(bay=bay).channel == Booking.Channel.OPTIMISER
