"""Queue a task after the current transaction commits, without letting a broker outage
break the request that committed.

If the broker is down, the task is not queued and a warning is logged; the
work it stands for is still recorded in the database (a notification not yet
emailed, an outbox row not yet delivered), and a periodic sweeper queues it
again once the broker is back. So a booking never fails because Redis is down,
and nothing is lost.
"""

import logging

from django.db import transaction

logger = logging.getLogger("venster.enqueue")


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs))


def enqueue_now(task, *args, **kwargs) -> bool:
    try:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure; the sweeper retries
        logger.warning("could not queue %s (%s); it will be queued again later",
                       task.name, exc.__class__.__name__)
        return False
