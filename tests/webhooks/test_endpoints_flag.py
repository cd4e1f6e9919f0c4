"""Whether an organisation has endpoints is cached (most have none); adding or removing
one is seen by the next event."""

import pytest

from tests.factories import OrganisationFactory
from webhooks import services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def publish(organisation):
    return services.publish_event(organisation, "booking.confirmed", {"reference": "VTEST"})


def test_an_endpoint_added_after_an_event_without_one_gets_the_next_event():
    organisation = OrganisationFactory()
    assert publish(organisation) is None  # "no endpoints" is cached now
    services.endpoint_create(organisation=organisation, url="http://127.0.0.1:9/hook")
    event = publish(organisation)
    assert event is not None and event.deliveries.count() == 1


def test_an_organisation_whose_endpoints_are_gone_writes_no_events():
    organisation = OrganisationFactory()
    endpoint = services.endpoint_create(organisation=organisation, url="http://127.0.0.1:9/h")
    assert publish(organisation) is not None
    endpoint.delete()
    assert publish(organisation) is None
    assert WebhookEvent.objects.filter(organisation=organisation).count() == 1
