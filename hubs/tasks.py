"""Celery tasks of the hubs app: thin, ids in, the service does the work.

The planning task is safe to run twice (the service claims the run by
compare-and-set and applies it once under a row lock), so it acknowledges late
and is re-queued when its worker dies. Time limits nest: the solver's own limit
(the run's time_limit_seconds, at most planning.MAX_SOLVER_SECONDS = 120 s) < the soft limit,
which marks the run failed < the hard limit, which kills the worker process.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from operations.enqueue import enqueue_now

from .services import planning

SOFT_LIMIT_SECONDS = 300
HARD_LIMIT_SECONDS = 360


SOLVER_QUEUE = "solver"


@shared_task(
    acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=SOFT_LIMIT_SECONDS, time_limit=HARD_LIMIT_SECONDS,
)
def plan_collector_day(run_id: int) -> str:
    """Route one planning run's day and apply the plan once; returns the run's status."""
    try:
        return planning.planning_run_execute(run_id=run_id)
    except SoftTimeLimitExceeded:
        planning.planning_run_fail(run_id=run_id, error="time limit exceeded")
        return "failed"
    except Exception as exc:
        planning.planning_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


def enqueue_planning(run_id: int) -> bool:
    """Send a planning run to the solver workers (their own queue: long, CPU-bound work)."""
    return enqueue_now(plan_collector_day, run_id, queue=SOLVER_QUEUE)


@shared_task(acks_late=True)
def start_due_planning_runs() -> int:
    """Beat calls this every few minutes; it starts tomorrow's runs at each hub's cut-off."""
    started = planning.planning_runs_start_due()
    for run in planning.stalled_planning_runs():
        enqueue_planning(run.pk)  # its message was lost, e.g. the broker was down at commit
    return len(started)
