"""Webhooks are signed by the Standard Webhooks convention and delivered at least once."""

import datetime as dt
from decimal import Decimal

import pytest
from standardwebhooks.webhooks import Webhook

from bookings.services import booking_cancel, booking_create
from places import localtime
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

from .receiver import receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    settings.WEBHOOKS_MAX_ATTEMPTS = 3


def endpoint_for(url, organisation=None, **kwargs):
    return services.endpoint_create(organisation=organisation or OrganisationFactory(), url=url,
                                    **kwargs)


def publish(endpoint, event_type="booking.confirmed", payload=None):
    event = services.publish_event(endpoint.organisation, event_type,
                                   payload or {"reference": "VABC1234"})
    return event.deliveries.get(endpoint=endpoint)


def test_a_delivery_is_signed_so_that_standardwebhooks_verifies_it():
    with receiver([200]) as (url, state):
        endpoint = endpoint_for(url)
        delivery = publish(endpoint)
        assert services.deliver(delivery.pk) == "delivered"
    headers, body = state.requests[0]
    verified = Webhook(endpoint.secret).verify(body, headers)
    assert verified["type"] == "booking.confirmed"
    assert verified["data"] == {"reference": "VABC1234"}
    assert headers["webhook-id"] == delivery.event.message_id
    with pytest.raises(Exception, match="signature"):
        Webhook(services.WebhookEndpoint().secret).verify(body, headers)


def test_a_500_is_retried_and_a_later_200_delivers():
    with receiver([500, 200]) as (url, state):
        delivery = publish(endpoint_for(url))
        assert services.deliver(delivery.pk) == "retry"
        assert services.deliver(delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED and delivery.attempts == 2
    assert [a.status_code for a in delivery.attempt_log.order_by("pk")] == [500, 200]
    assert len({h["webhook-id"] for h, _b in state.requests}) == 1


def test_retries_wait_exponentially_longer(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    assert [services.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff_seconds(30) == 6 * 3600


def test_a_retry_is_not_sent_before_it_is_due(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    with receiver([500]) as (url, state):
        delivery = publish(endpoint_for(url))
        assert services.deliver(delivery.pk) == "retry"
        assert services.deliver(delivery.pk) == "not_due"
    assert len(state.requests) == 1


def test_after_the_last_attempt_the_endpoint_is_marked_failing():
    with receiver([503]) as (url, _state):
        endpoint = endpoint_for(url)
        delivery = publish(endpoint)
        outcomes = [services.deliver(delivery.pk) for _ in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    endpoint.refresh_from_db()
    assert endpoint.status == WebhookEndpoint.Status.FAILING
    assert endpoint.consecutive_failures == 1


def test_a_410_disables_the_endpoint_and_drops_its_queue():
    with receiver([410]) as (url, _state):
        endpoint = endpoint_for(url)
        first, second = publish(endpoint), publish(endpoint)
        assert services.deliver(first.pk) == "disabled"
    endpoint.refresh_from_db()
    second.refresh_from_db()
    assert endpoint.status == WebhookEndpoint.Status.DISABLED
    assert second.status == WebhookDelivery.Status.CANCELLED
    assert services.publish_event(endpoint.organisation, "booking.confirmed", {}) is None


def test_a_receiver_that_does_not_answer_in_time_is_retried():
    with receiver([200], delay_s=2) as (url, _state):
        delivery = publish(endpoint_for(url))
        assert services.deliver(delivery.pk) == "retry"
    assert delivery.attempt_log.get().error == "timeout"


def test_endpoints_get_only_the_event_types_they_asked_for():
    with receiver([200]) as (url, _state):
        organisation = OrganisationFactory()
        endpoint_for(url, organisation, event_types=["booking.cancelled"])
        assert services.publish_event(organisation, "booking.confirmed", {}) is None
        assert services.publish_event(organisation, "booking.cancelled", {}) is not None


def test_a_lost_claim_is_swept_back_into_the_queue():
    with receiver([200]) as (url, _state):
        delivery = publish(endpoint_for(url))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.SENDING,
            claimed_until=localtime.later(localtime.now(), -1))
        assert services.sweep() >= 1
        assert WebhookDelivery.objects.get(pk=delivery.pk).status in ("pending", "succeeded")


@pytest.mark.usefixtures("frozen_now")
def test_the_outbox_row_is_written_with_the_booking_and_not_without_it():
    from tests.conftest import FRIDAY, at

    bay = BayFactory(max_vehicles=1)
    van = VehicleFactory()
    endpoint_for("http://127.0.0.1:9/hook", van.organisation)
    booking = booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                             start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    event = WebhookEvent.objects.get()
    assert event.event_type == "booking.confirmed"
    assert event.payload["reference"] == booking.reference
    from bookings.errors import BayFull

    with pytest.raises(BayFull):
        booking_create(bay=bay, organisation=van.organisation, vehicle_length_m=Decimal("4"),
                       vehicle_mass_kg=3500,
                       zero_emission=False, start=at(FRIDAY, "08:00"),
                       end=at(FRIDAY, "08:30"))
    assert WebhookEvent.objects.count() == 1
    booking_cancel(booking=booking)
    assert WebhookEvent.objects.filter(event_type="booking.cancelled").count() == 1
    assert dt.date(2026, 3, 27) == FRIDAY


def test_the_admin_resends_a_delivery(admin_client):
    with receiver([200]) as (url, state):
        delivery = publish(endpoint_for(url))
        services.deliver(delivery.pk)
        response = admin_client.post("/admin/webhooks/webhookdelivery/",
                                     {"action": "resend", "_selected_action": [delivery.pk]})
        assert response.status_code == 302
        again = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
        assert services.deliver(again.pk) == "delivered"
    assert len(state.requests) == 2
