"""The pickup API: shops ask for and cancel their pickups, collectors report them collected or
missed; the shop sees the outcome; each change is announced once (hubs/events.py)."""

import datetime as dt

import pytest

from hubs.models import PickupRequest, PlannedRoute, PlanningRun, RouteStop
from hubs.services import pickup_request_create
from notifications.models import Notification
from tests.api.conftest import key_client, problem
from tests.conftest import FRIDAY, at
from tests.factories import CollectorVehicleFactory, OrganisationFactory
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


@pytest.fixture
def shop_org():
    shop = OrganisationFactory(kind="shop", latitude=52.16, longitude=4.49,
                               preferred_language="nl")
    WebhookEndpoint.objects.create(organisation=shop, url="https://example.org/hook")
    return shop


@pytest.fixture
def shop(shop_org):
    return key_client(shop_org)


@pytest.fixture
def collector_vehicle():
    return CollectorVehicleFactory()


@pytest.fixture
def collector(collector_vehicle):
    return key_client(collector_vehicle.vehicle.organisation)


def planned_pickup(shop_org, collector_vehicle, sequence=1):
    pickup = pickup_request_create(organisation=shop_org, stream="glass", volume_litres=240,
                                   day=SATURDAY, window_start=dt.time(7),
                                   window_end=dt.time(11))
    run, _ = PlanningRun.objects.get_or_create(
        collector=collector_vehicle.vehicle.organisation, day=SATURDAY,
        defaults={"status": PlanningRun.Status.APPLIED, "trigger": PlanningRun.Trigger.MANUAL})
    route, _ = PlannedRoute.objects.get_or_create(
        run=run, vehicle=collector_vehicle, depot=collector_vehicle.depot,
        defaults={"start": at(SATURDAY, "07:00"), "end": at(SATURDAY, "09:00"),
                  "distance_m": 9000, "trips": 1})
    RouteStop.objects.create(route=route, sequence=sequence, kind=RouteStop.Kind.PICKUP,
                             pickup=pickup, latitude=52.16, longitude=4.49,
                             arrival=at(SATURDAY, "07:30"), start=at(SATURDAY, "07:30"),
                             end=at(SATURDAY, "07:40"))
    PickupRequest.objects.filter(pk=pickup.pk).update(status=PickupRequest.Status.PLANNED)
    pickup.refresh_from_db()
    return pickup


def events(organisation, kind):
    return WebhookEvent.objects.filter(organisation=organisation, event_type=kind).count()


def test_a_shop_asks_for_a_pickup_and_cancels_it_each_announced_once(shop, shop_org):
    body = {"stream": "paper_cardboard", "volume_litres": 240, "day": SATURDAY.isoformat(),
            "window_start": "07:00", "window_end": "11:00"}
    created = shop.post("/api/v1/pickups/", body, format="json")
    assert created.status_code == 201, created.content
    pickup_id = created.json()["id"]
    assert [p["id"] for p in shop.get("/api/v1/pickups/").json()["results"]] == [pickup_id]
    cancelled = shop.post(f"/api/v1/pickups/{pickup_id}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = shop.post(f"/api/v1/pickups/{pickup_id}/cancel/")
    assert again.status_code == 409 and problem(again)["code"] == "invalid_state"
    assert events(shop_org, "pickup.requested") == 1
    assert events(shop_org, "pickup.cancelled") == 1
    notice = Notification.objects.get(organisation=shop_org, kind="pickup.cancelled")
    assert "geannuleerd" in notice.title  # in the shop's language


def test_the_portals_rules_refuse_a_day_in_the_past_as_a_problem(shop):
    body = {"stream": "glass", "volume_litres": 240,
            "day": (FRIDAY - dt.timedelta(days=1)).isoformat(),
            "window_start": "07:00", "window_end": "11:00"}
    response = shop.post("/api/v1/pickups/", body, format="json")
    assert response.status_code in (400, 422)
    assert not PickupRequest.objects.exists()
    bad_window = {**body, "day": SATURDAY.isoformat(), "window_end": "06:00"}
    response = shop.post("/api/v1/pickups/", bad_window, format="json")
    assert response.status_code == 422 and problem(response)["code"] == "window"


def test_a_shop_sees_and_cancels_only_its_own_pickups(shop, shop_org):
    other = pickup_request_create(organisation=OrganisationFactory(latitude=52.1, longitude=4.4),
                                  stream="glass", volume_litres=100, day=SATURDAY,
                                  window_start=dt.time(7), window_end=dt.time(9))
    assert shop.get(f"/api/v1/pickups/{other.pk}/").status_code == 404
    assert shop.post(f"/api/v1/pickups/{other.pk}/cancel/").status_code == 404
    other.refresh_from_db()
    assert other.status == PickupRequest.Status.PENDING


def test_the_collector_lists_its_route_pickups_and_reports_one_collected(
        collector, shop, shop_org, collector_vehicle):
    pickup = planned_pickup(shop_org, collector_vehicle)
    listed = collector.get("/api/v1/collector-pickups/").json()["results"]
    assert [p["id"] for p in listed] == [pickup.pk]
    response = collector.post(f"/api/v1/collector-pickups/{pickup.pk}/collected/",
                              {"litres": 200, "kg": "61.5"}, format="json")
    assert response.status_code == 200, response.content
    seen_by_shop = shop.get(f"/api/v1/pickups/{pickup.pk}/").json()
    assert (seen_by_shop["status"], seen_by_shop["collected_litres"],
            seen_by_shop["collected_kg"]) == ("collected", 200, "61.5")
    again = collector.post(f"/api/v1/collector-pickups/{pickup.pk}/missed/",
                           {"reason": "blocked"}, format="json")
    assert again.status_code == 409 and problem(again)["code"] == "invalid_state"
    assert events(shop_org, "pickup.collected") == 1
    assert events(shop_org, "pickup.missed") == 0


def test_the_collector_reports_a_pickup_missed_with_a_reason(
        collector, shop, shop_org, collector_vehicle):
    pickup = planned_pickup(shop_org, collector_vehicle)
    no_note = collector.post(f"/api/v1/collector-pickups/{pickup.pk}/missed/",
                             {"reason": "other"}, format="json")
    assert no_note.status_code == 422 and problem(no_note)["code"] == "note"
    response = collector.post(f"/api/v1/collector-pickups/{pickup.pk}/missed/",
                              {"reason": "blocked", "note": "Markt op de stoep"}, format="json")
    assert response.status_code == 200, response.content
    seen = shop.get(f"/api/v1/pickups/{pickup.pk}/").json()
    assert (seen["status"], seen["missed_reason"], seen["missed_note"]) == (
        "missed", "blocked", "Markt op de stoep")
    assert events(shop_org, "pickup.missed") == 1
    notice = Notification.objects.get(organisation=shop_org, kind="pickup.missed")
    assert "geblokkeerd" in notice.body


def test_collected_needs_an_amount(collector, shop_org, collector_vehicle):
    pickup = planned_pickup(shop_org, collector_vehicle)
    response = collector.post(f"/api/v1/collector-pickups/{pickup.pk}/collected/", {},
                              format="json")
    assert response.status_code == 400 and problem(response)["code"] == "invalid"
    pickup.refresh_from_db()
    assert pickup.status == PickupRequest.Status.PLANNED


def test_another_collector_or_a_shop_cannot_report_a_pickup(shop, shop_org, collector_vehicle):
    pickup = planned_pickup(shop_org, collector_vehicle)
    rival = key_client(CollectorVehicleFactory().vehicle.organisation)
    assert rival.get("/api/v1/collector-pickups/").json()["results"] == []
    assert rival.post(f"/api/v1/collector-pickups/{pickup.pk}/collected/", {"litres": 5},
                      format="json").status_code == 404
    assert shop.post(f"/api/v1/collector-pickups/{pickup.pk}/collected/", {"litres": 5},
                     format="json").status_code == 403
    pickup.refresh_from_db()
    assert pickup.status == PickupRequest.Status.PLANNED
