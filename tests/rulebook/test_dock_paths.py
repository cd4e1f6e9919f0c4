"""The hub's dock rules on every path that reserves a dock door, with the same code: the API's
dock reservation and a last-mile chain's inbound slot.

A case arranges a hub (shared by Leiden and Gouda, unless the case says otherwise) where the
carrier's reservation on Saturday 08:00-08:30 breaks one rule.
"""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import errors as booking_errors
from hubs.models import DockReservation, HubShare
from hubs.services import dock_reservation_create
from hubs.services.chains import chain_create
from tests.api.conftest import key_client
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    HubFactory,
    MunicipalityFactory,
    OrganisationFactory,
    VehicleFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


def leiden():
    return MunicipalityFactory()


def gouda():
    return MunicipalityFactory(name="Gouda", slug="gouda", cbs_code="GM0513")


def a_hub(*shares):
    hub = HubFactory()
    for municipality, percent in shares:
        HubShare.objects.create(hub=hub, municipality=municipality, dock_share_percent=percent)
    return hub


def municipality_required():
    """Two municipalities share the hub and the carrier belongs to neither: it must say."""
    return a_hub((leiden(), 50), (gouda(), 50)), OrganisationFactory(), None


def municipality_not_sharing():
    return a_hub((leiden(), 100)), OrganisationFactory(), gouda()


def municipality_not_allowed():
    """A Leiden organisation may not charge Gouda's share."""
    carrier = OrganisationFactory(municipality=leiden())
    return a_hub((leiden(), 50), (gouda(), 50)), carrier, gouda()


def share_used_up():
    hub = a_hub((leiden(), 10), (gouda(), 90))  # Leiden: one door at a time
    carrier = OrganisationFactory(municipality=leiden())
    dock_reservation_create(hub=hub, organisation=OrganisationFactory(municipality=leiden()),
                            start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"),
                            vehicle_length_m=Decimal("7"))
    return hub, carrier, None


def too_far_ahead():
    hub = a_hub((leiden(), 100))
    hub.book_ahead_days = 0
    hub.save()
    return hub, OrganisationFactory(), None


RULES = {
    "municipality_required": municipality_required,
    "municipality_not_sharing": municipality_not_sharing,
    "municipality_not_allowed": municipality_not_allowed,
    "share_used_up": share_used_up,
    "too_far_ahead": too_far_ahead,
}


def api_dock_reservation(hub, carrier, stated):
    body = {"hub": hub.pk, "start": at(SATURDAY, "08:00").isoformat(),
            "end": at(SATURDAY, "08:30").isoformat(), "vehicle_length_m": "7"}
    if stated is not None:
        body["municipality"] = stated.pk
    response = key_client(carrier).post("/api/v1/hub-dock-reservations/", body, format="json")
    return response.json().get("code") if response.status_code >= 400 else None


def chain_inbound(hub, carrier, stated):
    e_van = VehicleFactory(organisation=carrier, zero_emission=True, length_m=Decimal("4"))
    try:
        chain_create(hub=hub, organisation=carrier, inbound_start=at(SATURDAY, "08:00"),
                     inbound_end=at(SATURDAY, "08:30"), vehicle_length_m=Decimal("7"),
                     delivery_bay=BayFactory(), delivery_start=at(SATURDAY, "09:30"),
                     delivery_end=at(SATURDAY, "09:50"), delivery_vehicle=e_van,
                     municipality=stated)
    except booking_errors.BookingError as exc:
        return exc.code
    return None


PATHS = {"api dock reservation": api_dock_reservation, "last-mile chain": chain_inbound}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("code", RULES)
def test_every_dock_path_refuses_with_the_rules_code(code, path):
    hub, carrier, stated = RULES[code]()
    assert PATHS[path](hub, carrier, stated) == code
    assert not DockReservation.objects.filter(organisation=carrier).exists()


@pytest.mark.parametrize("path", PATHS)
def test_every_dock_path_reserves_when_no_rule_is_broken(path):
    hub, carrier = a_hub((leiden(), 50), (gouda(), 50)), OrganisationFactory()
    assert PATHS[path](hub, carrier, leiden()) is None
    reservation = DockReservation.objects.get(organisation=carrier)
    assert reservation.municipality_id == leiden().pk
