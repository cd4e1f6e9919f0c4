"""Routing apply (a collector's planned round) books each stop's kerb time through the booking
service: a stop that breaks a kerb rule loses its booking with that rule's code, and its pickup
is left unplanned rather than booked around the rule."""

import datetime as dt
import logging

import pytest

from bookings.models import Booking, Quota
from hubs.models import PickupRequest
from hubs.services import planning
from tests.access.factories import RegisteredVehicleFactory
from tests.conftest import FRIDAY
from tests.hubs.helpers import collectors_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


def quota_exceeded(cv, bays):
    Quota.objects.create(zone=bays[0].zone, organisation=cv.organisation, max_minutes_per_day=1)


def vehicle_too_heavy(cv, bays):
    RegisteredVehicleFactory(plate=cv.vehicle.plate, fuels=["Elektriciteit"], zero_emission=True,
                             max_mass_kg=40000)


def too_far_ahead(cv, bays):
    zone = bays[0].zone
    zone.book_ahead_days = 0
    zone.save()


@pytest.mark.parametrize("break_rule", [quota_exceeded, vehicle_too_heavy, too_far_ahead],
                         ids=lambda f: f.__name__)
def test_a_planned_stop_that_breaks_a_rule_is_refused_with_its_code(break_rule, caplog):
    cv, bays, pickups = collectors_day(SATURDAY)
    break_rule(cv, bays)
    with caplog.at_level(logging.INFO, logger=planning.log.name):
        run = planning.planning_run_start(collector=cv.organisation, day=SATURDAY,
                                          time_limit_seconds=2)
        planning.planning_run_execute(run_id=run.pk)
    lost = [r.getMessage() for r in caplog.records if "lost its kerb time" in r.getMessage()]
    assert lost and all(f"({break_rule.__name__})" in message for message in lost)
    assert not Booking.objects.filter(channel=Booking.Channel.OPTIMISER).exists()
    assert not PickupRequest.objects.filter(pk__in=[p.pk for p in pickups],
                                            status=PickupRequest.Status.PLANNED).exists()
