"""A committed change stays committed, and answers as committed, when the broker is down;
the work it queued is picked up by the sweepers once the broker is back.

The broker is a Redis URL on a closed loopback port (tests.workers.broker_unreachable):
every publish really fails with a connection error.
"""

import logging

import pytest

from bookings.allocation import allocation_run_start
from bookings.models import AllocationRun, Booking
from bookings.tasks import resend_stalled_runs
from config.celery import app
from hubs.models import PlanningRun
from hubs.services import planning
from hubs.tasks import start_due_planning_runs
from notifications.models import Notification
from notifications.services import notify
from organisations.models import Organisation
from places import localtime
from tests.api.conftest import booking_body, key_client
from tests.conftest import FRIDAY
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory
from tests.workers import broker_unreachable
from webhooks import services as webhooks
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settings_for_webhooks(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def record_sends(monkeypatch) -> list:
    """From now on, what is handed to the (restored) broker, without running a worker."""
    calls = []
    monkeypatch.setattr(app.Task, "apply_async",
                        lambda task, args=None, kwargs=None, **options: calls.append(
                            (task.name, tuple(args or ()))))
    return calls


def test_a_booking_through_the_api_is_created_not_a_500_when_the_broker_is_down(
        frozen_now, settings_for_webhooks, caplog):
    carrier = OrganisationFactory(email="planning@example.nl")
    webhooks.endpoint_create(organisation=carrier, url="http://127.0.0.1:9/hook")
    bay, van = BayFactory(), VehicleFactory(organisation=carrier)
    client = key_client(carrier)
    with broker_unreachable(), caplog.at_level(logging.WARNING, logger="venster.enqueue"):
        response = client.post("/api/v1/bookings/", booking_body(bay, van), format="json")
        notify(organisation=carrier, kind="booking.confirmed", title="outside a request")
    assert response.status_code == 201, response.content
    booking = Booking.objects.get(reference=response.json()["reference"])
    delivery = WebhookDelivery.objects.get(event__payload__reference=booking.reference)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1
    assert "could not queue webhooks.tasks.deliver_webhook" in caplog.text


def test_pending_work_is_queued_again_by_the_sweepers_once_the_broker_is_back(
        settings_for_webhooks, monkeypatch):
    carrier = OrganisationFactory(email="planning@example.nl")
    webhooks.endpoint_create(organisation=carrier, url="http://127.0.0.1:9/hook")
    with broker_unreachable():
        event = webhooks.publish_event(carrier, "booking.confirmed", {"reference": "V1"})
        notification = notify(organisation=carrier, kind="booking.confirmed", title="V1")
    sent = record_sends(monkeypatch)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=localtime.later(localtime.now(), -10))

    from operations.tasks import requeue_unsent_notifications

    assert webhooks.sweep() == 1 and requeue_unsent_notifications() == 1
    assert ("webhooks.tasks.deliver_webhook", (event.deliveries.get().pk,)) in sent
    assert ("notifications.tasks.send_notification_email", (notification.pk,)) in sent


def test_an_allocation_run_started_while_the_broker_is_down_is_sent_later(monkeypatch):
    bay = BayFactory()
    with broker_unreachable():
        run = allocation_run_start(zone=bay.zone, day=FRIDAY, trigger="manual")
    assert AllocationRun.objects.get(pk=run.pk).status == AllocationRun.Status.QUEUED
    sent = record_sends(monkeypatch)
    AllocationRun.objects.filter(pk=run.pk).update(
        created_at=localtime.later(localtime.now(), -60))
    assert resend_stalled_runs() == [run.pk]
    assert sent == [("bookings.tasks.run_allocation", (run.pk,))]


def test_a_resent_webhook_delivery_is_kept_pending_when_the_broker_is_down(
        settings_for_webhooks):
    carrier = OrganisationFactory()
    webhooks.endpoint_create(organisation=carrier, url="http://127.0.0.1:9/hook")
    with broker_unreachable():
        event = webhooks.publish_event(carrier, "booking.confirmed", {"reference": "V2"})
        again = webhooks.delivery_resend(delivery=event.deliveries.get())
    assert again.status == WebhookDelivery.Status.PENDING


def test_a_planning_run_started_while_the_broker_is_down_is_sent_later(monkeypatch):
    collector = OrganisationFactory(kind=Organisation.Kind.WASTE_COLLECTOR)
    with broker_unreachable():
        run = planning.planning_run_start(collector=collector, day=FRIDAY)
    assert PlanningRun.objects.get(pk=run.pk).status == PlanningRun.Status.QUEUED
    sent = record_sends(monkeypatch)
    assert planning.stalled_planning_runs() == []  # it may still be waiting in the queue
    PlanningRun.objects.filter(pk=run.pk).update(
        created_at=localtime.later(localtime.now(), -planning.STALLED_AFTER_MINUTES - 1))
    start_due_planning_runs()
    assert sent == [("hubs.tasks.plan_collector_day", (run.pk,))]
