"""A small cast for the portal: our shop and its manager, a stranger's shop, bays nearby."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from organisations.models import Organisation
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    ZoneFactory,
)

SHOP_POINT = (52.1582, 4.4920)  # Breestraat, Leiden


@pytest.fixture
def zone():
    return ZoneFactory()


@pytest.fixture
def bay(zone):
    # Room for one van at a time, 60 m from the shop.
    return BayFactory(zone=zone, code="BRS-1", latitude=52.1587, longitude=4.4924,
                      kerb_length_m=Decimal("8"), max_vehicles=1)


@pytest.fixture
def other_bay(zone):
    return BayFactory(zone=zone, code="BRS-2", latitude=52.1590, longitude=4.4935,
                      kerb_length_m=Decimal("8"), max_vehicles=1)


@pytest.fixture
def far_bay(zone):
    return BayFactory(zone=zone, code="FAR-9", latitude=52.1700, longitude=4.4700)


@pytest.fixture
def shop():
    return OrganisationFactory(
        name="Kaashandel Van Rijn", kind=Organisation.Kind.SHOP, latitude=SHOP_POINT[0],
        longitude=SHOP_POINT[1], email="kaas@example.nl", preferred_language="nl",
    )


@pytest.fixture
def stranger_shop():
    return OrganisationFactory(kind=Organisation.Kind.SHOP, latitude=52.16, longitude=4.49)


@pytest.fixture
def owner(shop):
    return MembershipFactory(organisation=shop, user=UserFactory(username="owner",
                                                                  email="owner@example.nl")).user


@pytest.fixture
def stranger(stranger_shop):
    return MembershipFactory(organisation=stranger_shop,
                             user=UserFactory(username="stranger")).user


def english_client(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_owner(owner, bay, other_bay):
    return english_client(owner)


@pytest.fixture
def client_stranger(stranger, bay):
    return english_client(stranger)


def day_after(day: dt.date, n: int = 1) -> dt.date:
    return day + dt.timedelta(days=n)
