"""The planning task on a real Celery worker: feasible routes, applied once even when run twice."""

import datetime as dt
from pathlib import Path

import pytest

from bookings.models import Booking
from hubs.models import PickupRequest, PlanningRun, RouteStop
from hubs.services import planning
from hubs.tasks import enqueue_planning
from places import localtime
from tests.workers import celery_worker, wait_for

from .helpers import collectors_day

pytestmark = pytest.mark.django_db(transaction=True)


def finished(run):
    run.refresh_from_db()
    return run.status in (PlanningRun.Status.APPLIED, PlanningRun.Status.FAILED)


def test_the_worker_plans_the_day_once_even_when_the_task_runs_twice():
    day = localtime.now().date() + dt.timedelta(days=2)
    cv, _bays, pickups = collectors_day(day)
    with celery_worker() as worker:
        # Started inside: the worker context purges the queues before the worker starts.
        run = planning.planning_run_start(collector=cv.organisation, day=day,
                                          time_limit_seconds=2)
        wait_for(lambda: finished(run), timeout=90)
        assert run.status == PlanningRun.Status.APPLIED, run.error
        assert run.attempts == 1
        first = list(PickupRequest.objects.order_by("pk").values_list("status", "planned_start"))
        assert all(status == PickupRequest.Status.PLANNED for status, _ in first)

        # The broker may deliver a message twice; the second delivery changes nothing.
        enqueue_planning(run.pk)
        wait_for(lambda: finished_tasks(worker) == 2, timeout=60)
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.APPLIED
    after = list(PickupRequest.objects.order_by("pk").values_list("status", "planned_start"))
    assert after == first
    stops = RouteStop.objects.filter(kind=RouteStop.Kind.PICKUP)
    assert stops.count() == len(pickups)
    # One kerb booking per stop, or one shared by back-to-back stops at one bay.
    assert Booking.objects.filter(channel=Booking.Channel.OPTIMISER).count() == len(
        {stop.booking_id for stop in stops})
    assert run.routes.count() == 1


def finished_tasks(worker) -> int:
    """Planning tasks the worker has finished, read from its log (its stdout, on Linux)."""
    log = Path(f"/proc/{worker.pid}/fd/1").read_text()
    return sum(1 for line in log.splitlines()
               if "hubs.tasks.plan_collector_day[" in line and " succeeded in " in line)
