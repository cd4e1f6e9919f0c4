"""The notification email is sent with no transaction open and no row lock held, and a
mail server that fails leaves the notification to be sent again."""

import psycopg
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import send_notification_email
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)
BACKENDS = "tests.notifications.test_email_outside_transaction"


class WatchingBackend(EmailBackend):
    """Notes, at the moment of sending, whether a transaction is open and whether another
    connection could lock the notification's row (PostgreSQL)."""

    seen: list[dict] = []

    def send_messages(self, messages):
        WatchingBackend.seen.append({"in_atomic_block": connection.in_atomic_block,
                                     "row_free": row_is_free(Notification.objects.get().pk)})
        return super().send_messages(messages)


class BrokenBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def row_is_free(pk: int) -> bool | None:
    if connection.vendor != "postgresql":
        return None  # SQLite has no row locks; in_atomic_block tells the same story
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"],
                         autocommit=True) as other:
        try:
            other.execute("SELECT 1 FROM notifications_notification WHERE id = %s "
                          "FOR UPDATE NOWAIT", [pk])
            return True
        except psycopg.errors.LockNotAvailable:
            return False


def a_notification():
    organisation = OrganisationFactory(email="planning@example.nl")
    return Notification.objects.create(organisation=organisation, kind="booking.confirmed",
                                       title="Booked")


def test_the_email_is_sent_outside_any_transaction_and_row_lock(settings):
    settings.EMAIL_BACKEND = f"{BACKENDS}.WatchingBackend"
    WatchingBackend.seen = []
    notification = a_notification()
    assert send_notification_email(notification.pk) is True
    [seen] = WatchingBackend.seen
    assert seen["in_atomic_block"] is False
    assert seen["row_free"] in (True, None)
    if connection.vendor == "postgresql":
        assert seen["row_free"] is True
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.email_claimed_until is None


def test_a_failing_mail_server_leaves_the_notification_to_be_sent_again(settings):
    notification = a_notification()
    settings.EMAIL_BACKEND = f"{BACKENDS}.BrokenBackend"
    with pytest.raises(OSError):
        send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None and notification.email_claimed_until is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert send_notification_email(notification.pk) is True
    assert len(mail.outbox) == 1


def test_a_notification_claimed_by_another_worker_is_not_sent_twice(settings, mailoutbox):
    notification = a_notification()
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_until=timezone.now() + timezone.timedelta(minutes=5))
    assert send_notification_email(notification.pk) is False
    assert mailoutbox == []
