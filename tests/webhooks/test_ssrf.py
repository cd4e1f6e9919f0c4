"""Webhook URLs pointing into our own network are refused at registration and at delivery."""

import pytest

from tests.api.conftest import key_client, problem
from tests.factories import OrganisationFactory
from webhooks import services
from webhooks.models import WebhookEndpoint
from webhooks.safety import UnsafeURL, check_url

from .receiver import receiver

pytestmark = pytest.mark.django_db
ENDPOINTS = "/api/v1/webhooks/endpoints/"


@pytest.fixture(autouse=True)
def _private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "ftp://example.com/",
])
def test_private_loopback_and_link_local_urls_are_refused(url):
    with pytest.raises(UnsafeURL):
        check_url(url)


def test_a_public_address_is_allowed():
    check_url("https://93.184.215.14/hook")


def test_registration_through_the_api_refuses_a_loopback_url():
    client = key_client(OrganisationFactory())
    response = client.post(ENDPOINTS, {"url": "http://127.0.0.1:8000/hook"}, format="json")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_delivery_refuses_an_endpoint_that_now_points_inwards(settings):
    with receiver([200]) as (url, state):
        settings.WEBHOOKS_ALLOW_PRIVATE = True
        endpoint = services.endpoint_create(organisation=OrganisationFactory(), url=url)
        event = services.publish_event(endpoint.organisation, "booking.confirmed", {})
        settings.WEBHOOKS_ALLOW_PRIVATE = False
        delivery = event.deliveries.get()
        assert services.deliver(delivery.pk) == "retry"
    assert state.requests == []
    assert delivery.attempt_log.get().error.startswith("refused")
