"""The cast for console tests: two towns, each with an admin, plus a regional admin."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission

from bookings.services import booking_create
from organisations.models import Membership, Organisation
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
    ZoneFactory,
)

ADMIN_APPS = ["places", "bookings", "organisations", "hubs"]


def municipal_admin(username, municipality):
    """A staff member of a municipality's organisation with the admin's model permissions."""
    organisation = OrganisationFactory(
        name=f"Gemeente {username}", kind=Organisation.Kind.MUNICIPALITY, municipality=municipality
    )
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.MANAGER)
    return user


@dataclass
class Town:
    municipality: object
    zone: object
    bay: object
    booking: object
    admin: object


def town(name, slug, cbs, admin_name, street):
    municipality = MunicipalityFactory(name=name, slug=slug, cbs_code=cbs)
    zone = ZoneFactory(municipality=municipality, name=f"Centrum {name}", slug=f"centrum-{slug}")
    bay = BayFactory(zone=zone, street=street, code=f"{slug[:2].upper()}-001")
    vehicle = VehicleFactory()
    booking = booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                             start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    return Town(municipality, zone, bay, booking, municipal_admin(admin_name, municipality))


@pytest.fixture
def leiden(frozen_now):
    return town("Leiden", "leiden", "GM0546", "beheer-leiden", "Breestraat")


@pytest.fixture
def gouda(frozen_now):
    return town("Gouda", "gouda", "GM0513", "beheer-gouda", "Markt")


@pytest.fixture
def regional_admin():
    return municipal_admin("beheer-regio", None)
