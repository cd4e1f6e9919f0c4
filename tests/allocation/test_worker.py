"""Allocation runs on a real Celery worker, including one killed in the middle of a run."""

import datetime as dt
import os
import signal
from pathlib import Path

import pytest

from bookings import allocation, tasks
from bookings.allocation import build_instance
from bookings.models import AllocationRun, Booking, BookingRequest
from places import localtime
from solvers import allocation as solver
from tests.workers import celery_worker, wait_for

from .helpers import a_request, a_zone_with_bays

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FAST = {"ALLOCATION_SOLVER_SECONDS": "2"}
# Long enough to kill the worker while the run is certainly under way.
SLOW = {**FAST, "ALLOCATION_DRILL_PAUSE_SECONDS": "6"}


def a_day_ahead():
    """A day the worker's own clock (not frozen) still lets us book."""
    return localtime.now().date() + dt.timedelta(days=2)


def a_small_day(count=8):
    zone, bays = a_zone_with_bays(2, max_vehicles=1)
    day = a_day_ahead()
    requests = [a_request(zone, bays, day, earliest="08:00", latest="10:00", duration=30,
                          weight=1 + i % 3) for i in range(count)]
    return zone, day, requests


def start(zone, day):
    return allocation.allocation_run_start(zone=zone, day=day,
                                           trigger=AllocationRun.Trigger.MANUAL)


def finished(run):
    run.refresh_from_db()
    return run.status in (AllocationRun.Status.APPLIED, AllocationRun.Status.FAILED)


def running(run, attempt=1):
    run.refresh_from_db()
    return run.status == AllocationRun.Status.RUNNING and run.attempts == attempt


def assert_applied_once(run, requests, instance):
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.APPLIED, run.error
    stored = list(BookingRequest.objects.filter(pk__in=[r.pk for r in requests]))
    assert all(r.status in ("allocated", "refused") for r in stored)
    allocated = [r for r in stored if r.status == "allocated"]
    assert Booking.objects.count() == len(allocated) == run.served_count
    assert len({r.booking_id for r in allocated}) == len(allocated)
    plan = [{"request": r.reference, "bay": r.booking.bay.code,
             "start": localtime.minute_of_day(run.day, r.booking.start)} for r in allocated]
    assert solver.check(instance, {"assignments": plan}).feasible


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def test_a_worker_allocates_a_small_day_feasibly():
    zone, day, requests = a_small_day()
    instance = build_instance(zone=zone, day=day).instance
    with celery_worker(extra_env=FAST):
        run = start(zone, day)
        wait_for(lambda: finished(run), timeout=120)
    assert_applied_once(run, requests, instance)
    assert run.served_count == 8 and run.attempts == 1


def test_a_run_whose_worker_process_is_killed_is_redelivered_and_applied_once():
    zone, day, requests = a_small_day()
    instance = build_instance(zone=zone, day=day).instance
    with celery_worker(extra_env=SLOW) as worker:
        run = start(zone, day)
        wait_for(lambda: running(run), timeout=60)
        (child,) = child_pids(worker.pid)
        os.kill(child, signal.SIGKILL)
        # reject_on_worker_lost puts the message back; the worker's new process takes it.
        wait_for(lambda: finished(run), timeout=120)
    assert_applied_once(run, requests, instance)
    assert run.attempts == 2


def test_a_run_whose_whole_worker_is_killed_is_sent_again_and_applied_once():
    zone, day, requests = a_small_day()
    instance = build_instance(zone=zone, day=day).instance
    with celery_worker(extra_env=SLOW) as worker:
        run = start(zone, day)
        wait_for(lambda: running(run), timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool, with the message
        worker.wait()
    # The message is gone (filesystem) or held until the visibility timeout (Redis).
    # Once the run has been running longer than any attempt may, the beat task sends it again.
    assert tasks.resend_stalled_runs() == []
    AllocationRun.objects.filter(pk=run.pk).update(
        started_at=localtime.later(localtime.now(), -allocation.stale_after_seconds() / 60 - 1))
    with celery_worker(extra_env=FAST):
        assert tasks.resend_stalled_runs() == [run.pk]
        wait_for(lambda: finished(run), timeout=120)
    assert_applied_once(run, requests, instance)
    assert run.attempts == 2


@pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                    reason="Only Redis keeps an unacknowledged message to give back after its "
                           "visibility timeout; the filesystem transport drops it with the "
                           "worker (the test above covers that path).")
def test_on_redis_a_killed_workers_message_comes_back_after_the_visibility_timeout():
    zone, day, requests = a_small_day()
    instance = build_instance(zone=zone, day=day).instance
    with celery_worker(extra_env=SLOW) as worker:
        run = start(zone, day)
        wait_for(lambda: running(run), timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    # A short visibility timeout and sweep for the new worker only: it gives back the
    # dead worker's message, whose task id tells the run it is a redelivery.
    quick = {"ALLOCATION_SOLVER_SECONDS": "1", "CELERY_VISIBILITY_TIMEOUT": "8",
             "CELERY_UNACKED_RESTORE_SECONDS": "1"}
    with celery_worker(extra_env=quick):
        wait_for(lambda: finished(run), timeout=120)
    assert_applied_once(run, requests, instance)
    assert run.attempts >= 2
