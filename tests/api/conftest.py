"""A cast for permission tests: the owner's key, a colleague's session, a stranger, no one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_key_create
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    VehicleFactory,
)

SATURDAY = FRIDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def key_client(organisation) -> APIClient:
    _api_key, key = api_key_create(organisation=organisation, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    client.organisation = organisation
    return client


@pytest.fixture
def carrier():
    return OrganisationFactory(name="Snel Bezorgd", slug="snel-bezorgd")


@pytest.fixture
def owner(carrier):
    """The carrier's planning software, with the carrier's API key."""
    return key_client(carrier)


@pytest.fixture
def colleague(carrier):
    """A planner of the same carrier, signed in to the browsable API."""
    membership = MembershipFactory(organisation=carrier)
    client = APIClient()
    client.force_login(membership.user)
    client.organisation = carrier
    return client


@pytest.fixture
def stranger():
    """Another carrier's key: sees none of the first carrier's objects."""
    return key_client(OrganisationFactory(name="Andere Vervoerder", slug="andere"))


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("14"), max_vehicles=2)


@pytest.fixture
def van(carrier):
    return VehicleFactory(organisation=carrier, length_m=Decimal("6"), zero_emission=False)


@pytest.fixture
def e_van(carrier):
    """Electric by the vehicle register, so zero-emission-only windows are open to it."""
    from tests.access.factories import RegisteredVehicleFactory

    van = VehicleFactory(organisation=carrier, length_m=Decimal("6"), zero_emission=True)
    RegisteredVehicleFactory(plate=van.plate, fuels=["Elektriciteit"], zero_emission=True)
    return van


def booking_body(bay, vehicle, start="08:00", end="08:30", day=FRIDAY) -> dict:
    return {"bay": bay.pk, "vehicle": vehicle.pk, "start": at(day, start).isoformat(),
            "end": at(day, end).isoformat()}


def problem(response) -> dict:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    return response.json()
