from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker proved it runs tasks.

    Written by a task (not by the worker's own process), so a fresh heartbeat
    means the broker delivers and a worker executes — which is what health means.
    """

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.hostname} {self.seen_at:%H:%M:%S}"


class SolverRun(models.Model):
    """What every optimisation run records: who started it, its attempts (a worker may die
    and the task be delivered again), the solver's progress and outcome, and when each
    step happened. Each kind of run adds its subject, its statuses and its counts."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Cut-off schedule")
        MANUAL = "manual", _("By hand")
        COMMAND = "command", _("Command line")

    day = models.DateField(_("day"))
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("started by user"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    objective = models.BigIntegerField(_("objective"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
