"""Log every Celery task's start, end, retry and failure as structured lines."""

import logging
import time

from celery import signals

logger = logging.getLogger("venster.tasks")
_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.monotonic()
    logger.info("task started", extra={"task_id": task_id, "task": task.name})


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    seconds = time.monotonic() - _started.pop(task_id, time.monotonic())
    logger.info("task finished", extra={"task_id": task_id, "task": task.name, "state": state,
                                        "seconds": round(seconds, 3)})


@signals.task_retry.connect
def _task_retried(request=None, reason=None, **kwargs):
    logger.warning("task retried", extra={"task_id": getattr(request, "id", None),
                                          "task": getattr(request, "task", None),
                                          "reason": str(reason)})


@signals.task_failure.connect
def _task_failed(task_id=None, exception=None, sender=None, **kwargs):
    logger.error("task failed", extra={"task_id": task_id, "task": getattr(sender, "name", None),
                                       "error": repr(exception)})
