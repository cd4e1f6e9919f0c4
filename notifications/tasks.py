import datetime as dt

from celery import shared_task
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from .models import Notification

# Longer than any mail server conversation (EMAIL_TIMEOUT), short enough to retry soon.
EMAIL_CLAIM_SECONDS = 10 * 60


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    """Email a notification once; a retried or redelivered task does not mail twice.

    The notification is claimed by a conditional update that commits at once, then the
    mail is sent outside any transaction: no row lock is held while the mail server
    answers (or does not). Only a worker that dies between sending and recording can
    cause a second email, once its claim lapses.
    """
    notification = _claim(notification_id)
    if notification is None:
        return False
    try:
        send_mail(notification.title, notification.body or notification.title, None,
                  [notification.organisation.email])
    except BaseException:
        Notification.objects.filter(pk=notification_id).update(email_claimed_until=None)
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now(),
                                                           email_claimed_until=None)
    return True


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lt=now),
        pk=notification_id, emailed_at__isnull=True, organisation__email__gt="",
    ).update(email_claimed_until=now + dt.timedelta(seconds=EMAIL_CLAIM_SECONDS))
    if not claimed:
        return None
    return Notification.objects.select_related("organisation").get(pk=notification_id)
