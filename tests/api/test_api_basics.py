"""Throttling per key, the docs pages, the schema, and keys made on the command line."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import OrganisationAPIKey
from api.services import api_key_revoke
from tests.factories import OrganisationFactory

from .conftest import key_client, problem

pytestmark = pytest.mark.django_db


def test_too_many_requests_with_one_key_answer_429_with_retry_after(owner, stranger, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    with time_machine.travel(dt.datetime(2026, 3, 27, 6, 0, 20, tzinfo=dt.UTC), tick=False):
        statuses = [owner.get("/api/v1/vehicles/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = owner.get("/api/v1/vehicles/")
        assert int(refused["Retry-After"]) == 40  # until the minute turns
    assert problem(refused)["code"] == "throttled"
    assert stranger.get("/api/v1/vehicles/").status_code == 200  # a budget per key


def test_the_schema_validates_and_the_docs_render_from_local_files(client):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/bookings/{reference}/cancel/" in paths
    assert "application/problem+json" in paths["/api/v1/bookings/"]["post"]["responses"]["409"][
        "content"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/redoc/").status_code == 200


def test_create_api_key_prints_a_working_key_once():
    organisation = OrganisationFactory(slug="pakket-snel", name="Pakket Snel")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "Pakket Snel", stdout=out, stderr=err)
    key = out.getvalue().strip()
    stored = OrganisationAPIKey.objects.get(organisation=organisation)
    assert stored.is_valid(key) and key not in stored.hashed_key
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/vehicles/").status_code == 200
    call_command("create_api_key", "pakket-snel", stdout=io.StringIO(), stderr=io.StringIO())
    assert organisation.api_keys.count() == 2
    with pytest.raises(CommandError):
        call_command("create_api_key", "nobody", stdout=out, stderr=err)


def test_a_revoked_key_is_refused():
    client = key_client(OrganisationFactory())
    OrganisationAPIKey.objects.update(revoked=True)
    assert client.get("/api/v1/vehicles/").status_code == 401


def test_webhook_endpoints_are_registered_listed_and_kept_private(owner, stranger, anonymous,
                                                                  settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    created = owner.post("/api/v1/webhooks/endpoints/",
                         {"url": "http://127.0.0.1:9/hook", "event_types": ["booking.cancelled"]},
                         format="json")
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    endpoint_id = created.json()["id"]
    url = f"/api/v1/webhooks/endpoints/{endpoint_id}/"
    assert "secret" not in owner.get(url).json()
    bad = owner.patch(url, {"event_types": ["nonsense"]}, format="json")
    assert bad.status_code == 400
    changed = owner.patch(url, {"event_types": []}, format="json")
    assert changed.json()["event_types"] == []
    assert stranger.get(url).status_code == 404
    assert stranger.patch(url, {"description": "x"}, format="json").status_code == 404
    assert stranger.delete(url).status_code == 404
    assert stranger.get("/api/v1/webhooks/endpoints/").json()["count"] == 0
    assert stranger.get("/api/v1/webhooks/deliveries/").json()["count"] == 0
    assert anonymous.get(url).status_code in (401, 403)
    assert owner.delete(url).status_code == 204


def test_a_key_revoked_after_use_is_refused_at_once_though_its_row_was_cached():
    organisation = OrganisationFactory()
    client = key_client(organisation)
    assert client.get("/api/v1/vehicles/").status_code == 200  # the key's row is cached now
    [api_key] = organisation.api_keys.all()
    assert api_key_revoke(organisation=organisation, key_id=api_key.pk)
    assert client.get("/api/v1/vehicles/").status_code == 401


@pytest.mark.parametrize("change", ["revoke_in_admin", "delete"])
def test_a_key_changed_in_the_admin_after_use_is_refused_at_once(change):
    organisation = OrganisationFactory()
    client = key_client(organisation)
    assert client.get("/api/v1/vehicles/").status_code == 200
    [api_key] = organisation.api_keys.all()
    if change == "delete":
        api_key.delete()
    else:
        api_key.revoked = True
        api_key.save()
    assert client.get("/api/v1/vehicles/").status_code == 401
