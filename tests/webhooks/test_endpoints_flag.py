"""Whether an organisation has endpoints is kept on its row (most have none, and every
booking publishes an event); adding or removing one is seen by the next event."""

import datetime as dt

import pytest

from api.models import OrganisationAPIKey
from organisations.models import Organisation
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory
from webhooks import services
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture(autouse=True)
def _private_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def publish(organisation):
    return services.publish_event(organisation, "booking.confirmed", {"reference": "VTEST"})


def test_an_endpoint_added_after_an_event_without_one_gets_the_next_event():
    organisation = OrganisationFactory()
    assert publish(organisation) is None
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


def test_the_flag_follows_the_endpoints_disabled_ones_included():
    organisation = OrganisationFactory()
    first = services.endpoint_create(organisation=organisation, url="http://127.0.0.1:9/a")
    second = services.endpoint_create(organisation=organisation, url="http://127.0.0.1:9/b")
    second.status = WebhookEndpoint.Status.DISABLED
    second.save()
    first.delete()
    assert Organisation.objects.get(pk=organisation.pk).has_webhook_endpoints
    second.delete()
    assert not Organisation.objects.get(pk=organisation.pk).has_webhook_endpoints
    assert not organisation.has_webhook_endpoints  # the endpoint's own copy follows too


def test_an_organisation_cached_with_its_api_key_sees_a_new_endpoint(client):
    """The API key's cached row carries the organisation; a new endpoint forgets it."""
    bay = BayFactory()
    organisation = OrganisationFactory(kind="carrier")
    _key_row, key = OrganisationAPIKey.objects.create_key(name="k", organisation=organisation)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert client.get("/api/v1/bays/", **auth).status_code == 200  # the key is cached now
    services.endpoint_create(organisation=Organisation.objects.get(pk=organisation.pk),
                             url="http://127.0.0.1:9/hook")
    start = at(FRIDAY, "09:00")
    response = client.post("/api/v1/bookings/", {
        "bay": bay.pk, "start": start.isoformat(),
        "end": (start + dt.timedelta(minutes=30)).isoformat(),
        "vehicle_length_m": "7.5", "vehicle_mass_kg": 3500, "zero_emission": True,
    }, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert WebhookEvent.objects.filter(organisation=organisation,
                                       event_type="booking.confirmed").count() == 1
