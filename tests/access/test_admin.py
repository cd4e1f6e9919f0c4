"""Admins can list and record exemptions and look up the register; the register is read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from access.models import Exemption
from tests.access.factories import ExemptionFactory, RegisteredVehicleFactory
from tests.factories import MunicipalityFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "x-pass-123")
    client.force_login(user)
    return client


def test_every_access_admin_page_opens(admin_client):
    RegisteredVehicleFactory(plate="VB123K")
    ExemptionFactory(plate="VD456L")
    for model in ["registeredvehicle", "registeredfuel", "exemption", "dayexemptionuse"]:
        response = admin_client.get(reverse(f"admin:access_{model}_changelist"))
        assert response.status_code == 200, model


def test_an_admin_records_an_exemption_with_a_normalised_plate(admin_client):
    leiden = MunicipalityFactory()
    zone = ZoneFactory(municipality=leiden)
    response = admin_client.post(reverse("admin:access_exemption_add"), {
        "plate": "vd-456-l", "municipality": leiden.pk, "zone": zone.pk, "kind": "day",
        "valid_from": "2026-01-01", "valid_until": "2026-12-31", "days_per_year": "12",
        "reference": "", "note": "",
        "uses-TOTAL_FORMS": "0", "uses-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption = Exemption.objects.get()
    assert exemption.plate == "VD456L" and exemption.created_by.username == "beheer"


def test_the_register_cannot_be_edited_by_hand(admin_client):
    vehicle = RegisteredVehicleFactory(plate="VB123K")
    assert admin_client.get(reverse("admin:access_registeredvehicle_add")).status_code == 403
    change = admin_client.post(reverse("admin:access_registeredvehicle_change",
                                       args=[vehicle.pk]), {"plate": "XX"})
    assert change.status_code == 403
