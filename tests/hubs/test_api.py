"""The hubs API: reserve and cancel dock slots, storage, chains; who sees what."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, HubFactory, MembershipFactory, OrganisationFactory

from .helpers import collectors_day
from .test_planning import run_once

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)


def client_for(organisation):
    """A signed-in member of the organisation (the API acts for the member's organisation)."""
    client = APIClient()
    client.force_authenticate(MembershipFactory(organisation=organisation).user)
    return client


def reserve(client, hub, start="08:00", end="08:30", length="7.5"):
    return client.post("/api/v1/hub-dock-reservations/", {
        "hub": hub.pk, "start": at(SATURDAY, start).isoformat(),
        "end": at(SATURDAY, end).isoformat(), "vehicle_length_m": length,
    }, format="json")


def test_a_carrier_lists_hubs_and_free_dock_slots(frozen_now):
    hub = HubFactory()
    client = client_for(OrganisationFactory())
    listed = client.get("/api/v1/hubs/").json()["results"]
    assert [h["slug"] for h in listed] == [hub.slug]
    assert len(listed[0]["doors"]) == 3
    slots = client.get(f"/api/v1/hubs/{hub.pk}/dock-availability/",
                       {"day": SATURDAY.isoformat(), "duration_minutes": 30,
                        "vehicle_length_m": "16"}).json()
    assert slots[0]["free_doors"] == 1


def test_a_carrier_reserves_and_cancels_a_dock_slot_and_a_full_dock_is_a_409(frozen_now):
    hub = HubFactory()
    client = client_for(OrganisationFactory())
    created = reserve(client, hub, length="16")
    assert created.status_code == 201, created.json()
    refused = reserve(client, hub, length="16")
    assert refused.status_code == 409
    assert refused.json()["code"] == "dock_full"
    cancelled = client.post(f"/api/v1/hub-dock-reservations/{created.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"


def test_a_carrier_sees_and_cancels_only_its_own_reservations(frozen_now):
    hub = HubFactory()
    owner, stranger = client_for(OrganisationFactory()), client_for(OrganisationFactory())
    mine = reserve(owner, hub).json()
    assert [r["id"] for r in owner.get("/api/v1/hub-dock-reservations/").json()["results"]] == [
        mine["id"]]
    assert stranger.get("/api/v1/hub-dock-reservations/").json()["results"] == []
    assert stranger.get(f"/api/v1/hub-dock-reservations/{mine['id']}/").status_code == 404
    assert stranger.post(f"/api/v1/hub-dock-reservations/{mine['id']}/cancel/").status_code == 404


def test_storage_is_reserved_through_the_api(frozen_now):
    hub = HubFactory(storage_pallet_places=5)
    client = client_for(OrganisationFactory())
    body = {"hub": hub.pk, "pallets": 5, "start_date": SATURDAY.isoformat(),
            "end_date": (SATURDAY + dt.timedelta(days=3)).isoformat()}
    assert client.post("/api/v1/hub-storage-reservations/", body, format="json").status_code == 201
    again = client.post("/api/v1/hub-storage-reservations/", body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "storage_full")


def test_a_chain_is_booked_and_moved_through_the_api(frozen_now):
    hub, bay = HubFactory(), BayFactory()
    client = client_for(OrganisationFactory())
    created = client.post("/api/v1/hub-chains/", {
        "hub": hub.pk, "inbound_start": at(SATURDAY, "08:00").isoformat(),
        "inbound_end": at(SATURDAY, "08:30").isoformat(), "vehicle_length_m": "12",
        "delivery_vehicle_mass_kg": 3500,
        "delivery_bay": bay.pk, "delivery_start": at(SATURDAY, "09:30").isoformat(),
        "delivery_end": at(SATURDAY, "09:50").isoformat(), "goods_litres": 600,
    }, format="json")
    assert created.status_code == 201, created.json()
    moved = client.post(f"/api/v1/hub-chains/{created.json()['id']}/move-inbound/", {
        "start": at(SATURDAY, "08:30").isoformat(), "end": at(SATURDAY, "09:00").isoformat(),
    }, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["delivery_start"].startswith(f"{SATURDAY.isoformat()}T10:00")


def test_a_collector_sees_only_its_own_routes(frozen_now):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)
    collector = client_for(cv.organisation)
    own = collector.get("/api/v1/collector-routes/",
                        {"day": SATURDAY.isoformat()}).json()["results"]
    assert collector.get("/api/v1/collector-routes/", {"day": "someday"}).status_code == 400
    assert len(own) == 1
    assert [stop["kind"] for stop in own[0]["stops"]].count("pickup") == 3
    other_collector = OrganisationFactory(kind="waste_collector")
    assert client_for(other_collector).get("/api/v1/collector-routes/").json()["results"] == []
    assert APIClient().get("/api/v1/collector-routes/").status_code in (401, 403)
