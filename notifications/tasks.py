from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    """Email a notification once; a retried or redelivered task does not mail twice."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.organisation.email:
            return False
        send_mail(
            notification.title,
            notification.body or notification.title,
            None,
            [notification.organisation.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
