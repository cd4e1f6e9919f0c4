"""The run sheet's collected / missed forms per stop, and the shop seeing the outcome."""

import datetime as dt

import pytest
from django.test import Client

from hubs.models import PickupRequest
from tests.conftest import FRIDAY
from tests.factories import CollectorVehicleFactory, MembershipFactory, OrganisationFactory
from tests.hubs.test_pickup_api import planned_pickup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def signed_in(organisation, language="en"):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(MembershipFactory(organisation=organisation).user)
    return client


@pytest.fixture
def shop_org():
    return OrganisationFactory(kind="shop", latitude=52.16, longitude=4.49)


@pytest.fixture
def collector_vehicle():
    return CollectorVehicleFactory()


@pytest.fixture
def pickup(shop_org, collector_vehicle):
    return planned_pickup(shop_org, collector_vehicle)


def route_of(pickup):
    return pickup.route_stops.get().route


def test_the_sheet_offers_both_forms_and_collected_reaches_the_shops_portal(
        pickup, shop_org, collector_vehicle):
    collector = signed_in(collector_vehicle.vehicle.organisation)
    route = route_of(pickup)
    sheet = collector.get(f"/hubs/routes/{route.pk}/sheet/").content.decode()
    assert f'id="collected-{pickup.pk}"' in sheet and f'id="missed-{pickup.pk}"' in sheet
    done = collector.post(f"/hubs/routes/{route.pk}/pickups/{pickup.pk}/collected/",
                          {"litres": "180", "kg": ""}, follow=True)
    assert "Stop recorded as collected." in done.content.decode()
    pickup.refresh_from_db()
    assert (pickup.status, pickup.collected_litres) == (PickupRequest.Status.COLLECTED, 180)
    portal = signed_in(shop_org).get("/portal/pickups/").content.decode()
    assert "180 l" in portal


def test_missed_with_a_reason_shows_in_dutch_to_the_shop(pickup, shop_org, collector_vehicle):
    collector = signed_in(collector_vehicle.vehicle.organisation, "nl")
    route = route_of(pickup)
    collector.post(f"/hubs/routes/{route.pk}/pickups/{pickup.pk}/missed/",
                   {"reason": "no_access", "note": "Poort op slot"})
    pickup.refresh_from_db()
    assert (pickup.status, pickup.missed_reason) == (PickupRequest.Status.MISSED, "no_access")
    portal = signed_in(shop_org, "nl").get("/portal/pickups/").content.decode()
    assert "Geen toegang tot de containers" in portal and "Poort op slot" in portal


def test_bad_amounts_are_refused_with_a_message_and_change_nothing(pickup, collector_vehicle):
    collector = signed_in(collector_vehicle.vehicle.organisation)
    route = route_of(pickup)
    for body in ({"litres": "", "kg": ""}, {"litres": "lots"}, {"kg": "NaN"},
                 {"litres": "99999999"}):
        response = collector.post(f"/hubs/routes/{route.pk}/pickups/{pickup.pk}/collected/",
                                  body, follow=True)
        assert response.status_code == 200
    missed = collector.post(f"/hubs/routes/{route.pk}/pickups/{pickup.pk}/missed/",
                            {"reason": "made_up"}, follow=True)
    assert "Choose why the pickup was missed." in missed.content.decode()
    pickup.refresh_from_db()
    assert pickup.status == PickupRequest.Status.PLANNED


def test_another_collector_or_the_shop_cannot_report_the_stop(pickup, shop_org):
    route = route_of(pickup)
    url = f"/hubs/routes/{route.pk}/pickups/{pickup.pk}/collected/"
    rival = signed_in(CollectorVehicleFactory().vehicle.organisation)
    assert rival.post(url, {"litres": "10"}).status_code == 404
    assert signed_in(shop_org).post(url, {"litres": "10"}).status_code == 404
    assert signed_in(OrganisationFactory()).get(url).status_code == 405
    pickup.refresh_from_db()
    assert pickup.status == PickupRequest.Status.PLANNED
    assert FRIDAY + dt.timedelta(days=1) == pickup.day
