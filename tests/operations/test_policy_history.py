"""The audit trail of policy: every object an admin or an organisation can change that decides
who may book what keeps its history, with who changed it; secrets never enter it."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.models import Exemption
from api.models import OrganisationAPIKey
from bookings.models import BookingSeries, Quota
from bookings.recurring import booking_series_create
from hubs.models import HubShare
from organisations.models import Membership
from tests.api.conftest import key_client
from tests.conftest import FRIDAY
from tests.factories import (
    BayFactory,
    HubFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
)
from webhooks.models import WebhookEndpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

POLICY_MODELS = [Quota, HubShare, Membership, OrganisationAPIKey, WebhookEndpoint, Exemption,
                 BookingSeries]


@pytest.mark.parametrize("model", POLICY_MODELS, ids=lambda m: m.__name__)
def test_every_policy_model_keeps_a_history_shown_in_the_admin(model, admin_client):
    assert hasattr(model, "history")
    opts = model._meta
    # the admin's history page of the model exists (simple_history's view)
    assert reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=["1"])


@pytest.mark.parametrize("model, secret", [(OrganisationAPIKey, "hashed_key"),
                                           (WebhookEndpoint, "secret")])
def test_secrets_are_not_columns_of_the_history(model, secret):
    names = {f.name for f in model.history.model._meta.get_fields()}
    assert secret not in names


def _latest(model, **lookup):
    return model.history.filter(**lookup).order_by("-history_date", "-history_id").first()


def test_a_quota_changed_in_the_admin_records_the_admin_and_the_new_minutes(admin_client,
                                                                           admin_user):
    bay, carrier = BayFactory(), OrganisationFactory()
    quota = Quota.objects.create(zone=bay.zone, organisation=carrier, max_minutes_per_day=60)
    response = admin_client.post(
        reverse("admin:bookings_quota_change", args=[quota.pk]),
        {"zone": bay.zone.pk, "organisation": carrier.pk, "max_minutes_per_day": 90})
    assert response.status_code == 302
    changed = _latest(Quota, id=quota.pk)
    assert (changed.history_type, changed.history_user, changed.max_minutes_per_day) == (
        "~", admin_user, 90)
    assert [h.max_minutes_per_day for h in quota.history.order_by("history_date")] == [60, 90]
    page = admin_client.get(reverse("admin:bookings_quota_history", args=[quota.pk]))
    assert page.status_code == 200 and admin_user.username in page.content.decode()


def test_a_role_changed_in_the_admin_is_recorded(admin_client, admin_user):
    membership = MembershipFactory(role=Membership.Role.PLANNER)
    response = admin_client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {"user": membership.user.pk, "organisation": membership.organisation.pk,
         "role": Membership.Role.MANAGER})
    assert response.status_code == 302
    changed = _latest(Membership, id=membership.pk)
    assert (changed.history_user, changed.role) == (admin_user, Membership.Role.MANAGER)


def test_a_hub_share_changed_in_the_admin_is_recorded(admin_client, admin_user):
    share = HubShare.objects.create(hub=HubFactory(), municipality=BayFactory().zone.municipality,
                                    dock_share_percent=50)
    response = admin_client.post(
        reverse("admin:hubs_hubshare_change", args=[share.pk]),
        {"hub": share.hub.pk, "municipality": share.municipality.pk, "dock_share_percent": 30})
    assert response.status_code == 302
    changed = _latest(HubShare, id=share.pk)
    assert (changed.history_user, changed.dock_share_percent) == (admin_user, 30)


def test_an_api_key_made_and_revoked_in_the_portal_is_recorded_without_its_hash(client):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.post(reverse("portal:api_keys"), {"name": "planning"}).status_code == 200
    key = OrganisationAPIKey.objects.get(organisation=member.organisation)
    response = client.post(reverse("portal:api_key_revoke", args=[key.pk]), {"confirmed": "yes"})
    assert response.status_code == 302
    trail = list(key.audit_trail())
    assert [(h.history_type, h.revoked, h.history_user) for h in trail] == [
        ("+", False, member.user), ("~", True, member.user)]
    assert all(h.id == key.prefix and key.hashed_key not in h.id for h in trail)


def test_the_admin_shows_an_api_keys_history(admin_client):
    key, _secret = OrganisationAPIKey.objects.create_key(name="k",
                                                         organisation=OrganisationFactory())
    page = admin_client.get(reverse("admin:api_organisationapikey_history", args=[key.pk]))
    assert page.status_code == 200 and "k" in page.content.decode()
    # no old version to revert to: its row holds no hash
    version = key.audit_trail().get().history_id
    assert admin_client.get(reverse("admin:api_organisationapikey_simple_history",
                                    args=[key.pk, version])).status_code == 403


def test_a_webhook_endpoint_changed_through_the_api_names_the_key_that_changed_it(monkeypatch):
    monkeypatch.setattr("webhooks.services._check", lambda url: None)  # no DNS in tests
    client = key_client(OrganisationFactory())
    prefix = OrganisationAPIKey.objects.get(organisation=client.organisation).prefix
    created = client.post("/api/v1/webhooks/endpoints/", {"url": "https://example.org/hook"},
                          format="json")
    assert created.status_code == 201, created.content
    endpoint_id = created.json()["id"]
    changed = client.patch(f"/api/v1/webhooks/endpoints/{endpoint_id}/",
                           {"description": "dispatch"}, format="json")
    assert changed.status_code == 200, changed.content
    rows = WebhookEndpoint.history.filter(id=endpoint_id).order_by("history_date")
    assert [(h.history_type, h.description, h.history_change_reason) for h in rows] == [
        ("+", "", f"API key {prefix}"), ("~", "dispatch", f"API key {prefix}")]


@contextlib.contextmanager
def _signed_in(user):
    """As HistoryRequestMiddleware does for a request of this user."""
    request = RequestFactory().post("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def test_a_series_records_who_made_it():
    bay, user = BayFactory(), UserFactory()
    van = VehicleFactory(length_m=Decimal("6"))
    with _signed_in(user):
        result = booking_series_create(
            organisation=van.organisation, bay=bay, vehicle=van, weekdays=[FRIDAY.weekday()],
            start_time=dt.time(10), duration_minutes=30, first_day=FRIDAY,
            until=FRIDAY + dt.timedelta(days=7))
    rows = result.series.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.history_user) for h in rows] == [("+", user), ("~", user)]


def test_an_exemption_changed_in_the_admin_is_recorded(admin_client, admin_user):
    municipality = BayFactory().zone.municipality
    exemption = Exemption.objects.create(
        plate="AB123C", municipality=municipality, kind=Exemption.Kind.LONG_TERM,
        valid_from=FRIDAY, valid_until=FRIDAY + dt.timedelta(days=30))
    exemption.valid_until = FRIDAY + dt.timedelta(days=60)
    with _signed_in(admin_user):
        exemption.save()
    assert _latest(Exemption, id=exemption.pk).history_user == admin_user
