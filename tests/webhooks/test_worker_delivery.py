"""A real Celery worker delivers a booking's webhook after commit, retrying a 500."""

import datetime as dt

import pytest
from django.db import transaction

from bookings.services import booking_create
from places import localtime
from tests.factories import BayFactory, VehicleFactory
from tests.workers import celery_worker, wait_for
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .receiver import receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
WORKER_ENV = {"WEBHOOKS_ALLOW_PRIVATE": "1", "WEBHOOKS_RETRY_BASE_SECONDS": "0.5",
              "WEBHOOKS_TIMEOUT_SECONDS": "2"}


def test_the_worker_retries_a_500_then_delivers_and_a_410_disables(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    van = VehicleFactory()
    bay = BayFactory(zone__book_ahead_days=30)
    day = localtime.now().date() + dt.timedelta(days=2)
    start = localtime.make_local(day, dt.time(8))
    with receiver([500, 200]) as (url, state), celery_worker(extra_env=WORKER_ENV):
        endpoint = services.endpoint_create(organisation=van.organisation, url=url)
        with transaction.atomic():
            booking = booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                                     start=start, end=localtime.later(start, 30))
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded",
                 timeout=60)
    assert len(state.requests) == 2
    assert b'"reference":"%s"' % booking.reference.encode() in state.requests[1][1]

    with receiver([410]) as (url, state), celery_worker(extra_env=WORKER_ENV):
        gone = services.endpoint_create(organisation=van.organisation, url=url)
        services.publish_event(van.organisation, "closure.announced", {"bay": bay.code})
        wait_for(lambda: WebhookEndpoint.objects.get(pk=gone.pk).status == "disabled",
                 timeout=60)
