"""Notifications are mailed by a real Celery worker, after commit, exactly once."""

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_notification_email
from tests.factories import OrganisationFactory
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_committed_notification_is_emailed_by_the_worker():
    organisation = OrganisationFactory(email="planning@example.nl")
    with celery_worker():
        with transaction.atomic():
            notification = notify(organisation=organisation, kind="booking.confirmed",
                                  title="Booked", body="Your booking is confirmed.")
        emailed = wait_for(
            lambda: Notification.objects.get(pk=notification.pk).emailed_at, timeout=60
        )
    assert emailed is not None


def test_a_rolled_back_notification_is_never_queued():
    organisation = OrganisationFactory(email="planning@example.nl")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(organisation=organisation, kind="booking.confirmed", title="Booked")
        raise RuntimeError("the booking failed")
    assert not Notification.objects.exists()


def test_sending_the_same_notification_twice_mails_once(mailoutbox):
    organisation = OrganisationFactory(email="planning@example.nl")
    notification = Notification.objects.create(organisation=organisation,
                                               kind="booking.confirmed", title="Booked")
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mailoutbox) == 1
