"""Celery tasks of bookings: thin, ids in, the work is in bookings.allocation.

Allocation runs are long and must survive a worker that dies: they are
acknowledged late and rejected (so redelivered) when the worker process is
lost. That is safe because the run is claimed by compare-and-set, only the
latest attempt may apply, and the database admits one applied run per zone
and day. The limits nest so that a run is never redelivered while it is still
alive: solver time limit < soft limit < hard limit < the broker's visibility
timeout.
"""

from celery import shared_task
from django.conf import settings

from operations.enqueue import enqueue_now

from . import allocation, services

# Time to load the day and apply the plan in one transaction, beyond the solver.
BUILD_AND_APPLY_S = 120
# Time to record the failure after the soft limit interrupted the run.
CLEAN_UP_S = 30


def soft_time_limit() -> int:
    return int(allocation.solver_seconds() + allocation.bound_seconds() + allocation_pause()
               + BUILD_AND_APPLY_S)


def hard_time_limit() -> int:
    return soft_time_limit() + CLEAN_UP_S


def allocation_pause() -> float:
    return float(getattr(settings, "ALLOCATION_DRILL_PAUSE_SECONDS", 0) or 0)


def visibility_timeout() -> int | None:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    return options.get("visibility_timeout")


# Routed to the `solver` queue by CELERY_TASK_ROUTES in the settings.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=soft_time_limit(),
    time_limit=hard_time_limit(),
    bind=True,
)
def run_allocation(self, run_id: int) -> dict | None:
    """Solve and apply one allocation run; a redelivered or duplicate message changes nothing."""
    run = allocation.allocation_run_execute(run_id=run_id, task_id=self.request.id or "")
    return None if run is None else allocation.allocation_figures(run)


@shared_task
def start_due_allocation_runs() -> list[int]:
    """Every few minutes: start the runs whose cut-off has passed, re-send lost ones."""
    started = [run.pk for run in allocation.start_due_runs()]
    resend_stalled_runs()
    return started


def resend_stalled_runs() -> list[int]:
    """Send again the runs whose message a dead worker took with it; the claim drops duplicates."""
    stalled = [run.pk for run in allocation.stalled_runs()]
    for run_id in stalled:
        enqueue_now(run_allocation, run_id)
    return stalled


@shared_task
def release_no_shows() -> list[str]:
    """Every minute: bookings not checked in within their grace period become no-shows."""
    return [booking.reference for booking in services.release_no_shows()]


@shared_task
def complete_overdue_bookings() -> list[str]:
    """Every minute: checked-in bookings past their end without a check-out are completed."""
    return [booking.reference for booking in services.complete_overdue()]


@shared_task
def roll_series_forward() -> list[int]:
    """Nightly: book the recurring bookings' and pickups' dates that came inside the horizon."""
    from hubs.services.pickups import roll_pickup_series_forward

    from . import recurring

    series_ids = [result.series.pk for result in recurring.roll_forward_all()]
    roll_pickup_series_forward()
    return series_ids
