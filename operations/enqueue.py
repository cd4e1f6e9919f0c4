"""Queue a task after the current transaction commits, without letting a broker outage
break the request that committed.

Every task Venster sends on behalf of a change goes through here. If the broker
is down, the task is not queued and a warning is logged; the work it stands for
is still recorded in the database, and a periodic sweeper queues it again once
the broker is back:

| what is recorded             | swept by                                               |
| ---------------------------- | ------------------------------------------------------ |
| a notification not emailed   | operations.tasks.requeue_unsent_notifications (5 min)  |
| a pending webhook delivery   | webhooks.tasks.sweep_webhooks (every minute)           |
| a queued allocation run      | bookings.tasks.start_due_allocation_runs (5 min)       |
| a queued planning run        | hubs.tasks.start_due_planning_runs (5 min)             |

So a booking never fails because Redis is down, and nothing is lost. Only the
task's ids go in ``args``; keyword arguments are Celery's sending options
(``queue``, ``countdown``).
"""

import logging

from django.db import transaction

logger = logging.getLogger("venster.enqueue")


def enqueue_on_commit(task, *args, **options) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue_now(task, *args, **options))


def enqueue_now(task, *args, **options) -> bool:
    """Queue ``task(*args)``; False (and a warning) when the broker cannot take it."""
    try:
        task.apply_async(args=args, **options)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure; the sweeper retries
        logger.warning("could not queue %s%s (%s); it will be queued again later",
                       task.name, args, exc.__class__.__name__)
        return False
