import socket

from celery import shared_task
from django.utils import timezone

from .enqueue import enqueue_now
from .models import WorkerHeartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that this worker just ran a task (beat schedules it every 30 s)."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=socket.gethostname(), defaults={"seen_at": timezone.now()}
    )


@shared_task(ignore_result=True)
def requeue_unsent_notifications(older_than_seconds: int = 120) -> int:
    """Queue the email of notifications whose task was lost (broker down at commit time).

    Only those older than a couple of minutes, so that ones still on their way are left be;
    sending is idempotent anyway (send_notification_email claims the notification first).
    """
    from notifications.models import Notification
    from notifications.tasks import send_notification_email

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=cutoff, organisation__email__gt=""
    ).exclude(email_claimed_until__gte=timezone.now()).values_list("pk", flat=True)[:500]
    queued = sum(enqueue_now(send_notification_email, pk) for pk in pending)
    return queued
