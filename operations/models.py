from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker proved it runs tasks.

    Written by a task (not by the worker's own process), so a fresh heartbeat
    means the broker delivers and a worker executes — which is what health means.
    """

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.hostname} {self.seen_at:%H:%M:%S}"
