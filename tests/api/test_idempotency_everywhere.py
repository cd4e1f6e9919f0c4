"""Every POST under /api/v1/ honours Idempotency-Key: the same key twice acts once.

The POST endpoints are enumerated from the URL resolver, as the OpenAPI schema is built
(drf-spectacular's EndpointEnumerator), and each must have a scenario below: a new endpoint
fails this test until it has one. For each, the first request acts; the same key and body
again replays the same status and body and writes nothing but the key's own row; the same
key with another body is refused with the documented 422 and writes nothing either.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework.test import APIClient

from api.models import IdempotencyKey
from bookings import waitlist
from bookings.affected import closure_save
from bookings.models import Booking
from bookings.services import booking_cancel, booking_check_in, booking_create
from hubs.services import chain_create, dock_reservation_create, storage_reservation_create
from organisations.models import Organisation
from places.models import Closure
from tests.allocation.helpers import a_request
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, HubFactory, UserFactory, VehicleFactory

from .conftest import booking_body, key_client, problem

pytestmark = pytest.mark.django_db

SATURDAY = FRIDAY + dt.timedelta(days=1)
MONDAY = FRIDAY + dt.timedelta(days=3)
KEY_TABLE = IdempotencyKey._meta.db_table


def post_endpoints() -> set[str]:
    """Every path under /api/v1/ that takes a POST, as the schema names it."""
    return {path for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints()
            if method == "POST" and path.startswith("/api/v1/")}


@dataclass
class Post:
    """One POST to try: the path's parameters, a body, another body, and who sends it."""

    params: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    other_body: dict = field(default_factory=lambda: {"another": "body"})
    client: object = None


class Cast:
    """What the scenarios build on: a carrier with its key, a van, a bay, a hub."""

    def __init__(self, owner, bay, van, time_machine):
        self.owner, self.carrier, self.bay, self.van = owner, owner.organisation, bay, van
        self.time_machine = time_machine
        self.hub = HubFactory()

    def booking(self, start="08:00", end="08:30"):
        return booking_create(bay=self.bay, organisation=self.carrier, vehicle=self.van,
                              start=at(FRIDAY, start), end=at(FRIDAY, end))

    def at_the_kerb(self, booking):
        """Move the clock inside the booking's check-in window."""
        self.time_machine.move_to(at(FRIDAY, "07:55"), tick=False)
        return booking

    def enforcer(self):
        municipality = Organisation.objects.create(
            name="Handhaving", slug="handhaving", kind=Organisation.Kind.MUNICIPALITY,
            municipality=self.bay.zone.municipality)
        return key_client(municipality)

    def chain(self):
        return chain_create(
            hub=self.hub, organisation=self.carrier, vehicle_length_m=12, delivery_bay=self.bay,
            delivery_vehicle_length_m=4,
            delivery_vehicle_mass_kg=3500, inbound_start=at(SATURDAY, "08:00"),
            inbound_end=at(SATURDAY, "08:30"), delivery_start=at(SATURDAY, "09:30"),
            delivery_end=at(SATURDAY, "09:50"))

    def full_bay_waitlist_entry(self):
        """The bay full from 08:00 to 08:30 with others' vans, and the carrier waiting."""
        others = [booking_create(bay=self.bay, organisation=van.organisation, vehicle=van,
                                 start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
                  for van in (VehicleFactory(), VehicleFactory())]
        entry = waitlist.waitlist_join(organisation=self.carrier, bay=self.bay,
                                       start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"),
                                       vehicle=self.van)
        return entry, others


def _times(day, start, end, *names):
    return dict(zip(names, (at(day, start).isoformat(), at(day, end).isoformat()), strict=True))


def _booking_action(cast):
    return Post(params={"reference": cast.booking().reference})


def _check_in(cast):
    return Post(params={"reference": cast.at_the_kerb(cast.booking()).reference})


def _checked_in(cast):
    booking = cast.at_the_kerb(cast.booking())
    return Post(params={"reference": booking_check_in(booking=booking).reference})


def _reschedule(cast):
    return Post(params={"reference": cast.booking().reference},
                body=_times(FRIDAY, "09:00", "09:30", "start", "end"),
                other_body=_times(FRIDAY, "10:00", "10:30", "start", "end"))


def _accept_alternative(cast):
    """The booking hit by a closure of its bay, with a free bay next to it."""
    booking = cast.booking()
    BayFactory(zone=cast.bay.zone, code="NEXT-1")
    closure_save(Closure(bay=cast.bay, reason="roadworks", start_date=FRIDAY,
                         end_date=FRIDAY, start_time=dt.time(7), end_time=dt.time(9)))
    first, second = Booking.objects.get(pk=booking.pk).affected_alternatives[:2]
    return Post(params={"reference": booking.reference},
                body={"bay": first["bay_id"], "start": first["start"]},
                other_body={"bay": second["bay_id"], "start": second["start"]})


def _enforcement_check_in(cast):
    return Post(params={"reference": cast.at_the_kerb(cast.booking()).reference},
                client=cast.enforcer())


def _enforcement_no_show(cast):
    booking = cast.booking()
    cast.time_machine.move_to(at(FRIDAY, "08:10"), tick=False)
    return Post(params={"reference": booking.reference}, client=cast.enforcer())


def _chain_create(cast):
    body = {"hub": cast.hub.pk, "vehicle_length_m": "12",
            "delivery_vehicle_mass_kg": 3500, "delivery_bay": cast.bay.pk,
            "delivery_vehicle_length_m": "4", "goods_litres": 600,
            **_times(SATURDAY, "08:00", "08:30", "inbound_start", "inbound_end"),
            **_times(SATURDAY, "09:30", "09:50", "delivery_start", "delivery_end")}
    return Post(body=body, other_body={**body, "goods_litres": 700})


def _chain_move(start, end):
    def scenario(cast):
        return Post(params={"pk": cast.chain().pk},
                    body=_times(SATURDAY, start, end, "start", "end"),
                    other_body=_times(SATURDAY, "10:30", "10:50", "start", "end"))
    return scenario


def _dock_create(cast):
    body = {"hub": cast.hub.pk, "vehicle_length_m": "7",
            **_times(SATURDAY, "08:00", "08:30", "start", "end")}
    return Post(body=body, other_body={**body, "vehicle_length_m": "7.5"})


def _dock_cancel(cast):
    reservation = dock_reservation_create(
        hub=cast.hub, organisation=cast.carrier, vehicle_length_m=Decimal("7"),
        start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    return Post(params={"pk": reservation.pk})


def _storage_create(cast):
    body = {"hub": cast.hub.pk, "pallets": 4, "start_date": str(SATURDAY),
            "end_date": str(SATURDAY + dt.timedelta(days=2))}
    return Post(body=body, other_body={**body, "pallets": 5})


def _storage_cancel(cast):
    reservation = storage_reservation_create(hub=cast.hub, organisation=cast.carrier, pallets=4,
                                             start_date=SATURDAY, end_date=SATURDAY)
    return Post(params={"pk": reservation.pk})


def _request_create(cast):
    body = {"zone": cast.bay.zone.slug, "bays": [cast.bay.pk], "vehicle": cast.van.pk,
            "duration_minutes": 30,
            **_times(MONDAY, "07:00", "10:00", "earliest_start", "latest_end")}
    return Post(body=body, other_body={**body, "duration_minutes": 45})


def _request_withdraw(cast):
    request = a_request(cast.bay.zone, [cast.bay], MONDAY, organisation=cast.carrier)
    return Post(params={"reference": request.reference})


def _vehicle_create(cast):
    # A plate VehicleFactory never draws (VX...B), whatever its sequence has reached.
    body = {"plate": "GX-123-B", "category": "van", "length_m": "5.5"}
    return Post(body=body, other_body={**body, "length_m": "6"})


def _waitlist_join(cast):
    cast.full_bay_waitlist_entry()
    body = booking_body(cast.bay, VehicleFactory(organisation=cast.carrier))
    return Post(body=body, other_body={**body, "note": "another"})


def _waitlist_claim(cast):
    entry, others = cast.full_bay_waitlist_entry()
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_cancel(booking=others[0])  # once committed, offers the time to the first in line
    return Post(params={"pk": entry.pk})


def _waitlist_withdraw(cast):
    entry, _others = cast.full_bay_waitlist_entry()
    return Post(params={"pk": entry.pk})


def _series_end(cast):
    from bookings.recurring import booking_series_create

    series = booking_series_create(
        organisation=cast.carrier, bay=cast.bay, weekdays=[FRIDAY.weekday()],
        start_time=dt.time(9), duration_minutes=30, first_day=FRIDAY,
        until=FRIDAY + dt.timedelta(days=14), vehicle=cast.van).series
    return Post(params={"pk": series.pk})


def _pickup_body(**changes):
    return {"stream": "glass", "volume_litres": 240, "day": str(SATURDAY),
            "window_start": "07:00", "window_end": "11:00", **changes}


def _shop_with_address(cast):
    cast.carrier.latitude, cast.carrier.longitude = 52.16, 4.49
    cast.carrier.save(update_fields=["latitude", "longitude"])


def _pickup_create(cast):
    _shop_with_address(cast)
    return Post(body=_pickup_body(), other_body=_pickup_body(volume_litres=120))


def _pickup_cancel(cast):
    from hubs.services import pickup_request_create

    _shop_with_address(cast)
    pickup = pickup_request_create(organisation=cast.carrier, stream="glass", volume_litres=240,
                                   day=SATURDAY, window_start=dt.time(7),
                                   window_end=dt.time(11))
    return Post(params={"pk": pickup.pk})


def _planned_pickup_on_a_route(cast):
    from hubs.models import PickupRequest, PlannedRoute, PlanningRun, RouteStop
    from hubs.services import pickup_request_create
    from tests.factories import CollectorVehicleFactory, OrganisationFactory

    vehicle = CollectorVehicleFactory()
    shop = OrganisationFactory(latitude=52.16, longitude=4.49)
    pickup = pickup_request_create(organisation=shop, stream="glass", volume_litres=240,
                                   day=SATURDAY, window_start=dt.time(7),
                                   window_end=dt.time(11))
    run = PlanningRun.objects.create(collector=vehicle.vehicle.organisation, day=SATURDAY,
                                     status=PlanningRun.Status.APPLIED,
                                     trigger=PlanningRun.Trigger.MANUAL)
    route = PlannedRoute.objects.create(run=run, vehicle=vehicle, depot=vehicle.depot,
                                        start=at(SATURDAY, "07:00"), end=at(SATURDAY, "09:00"),
                                        distance_m=9000, trips=1)
    RouteStop.objects.create(route=route, sequence=1, kind=RouteStop.Kind.PICKUP, pickup=pickup,
                             latitude=52.16, longitude=4.49, arrival=at(SATURDAY, "07:30"),
                             start=at(SATURDAY, "07:30"), end=at(SATURDAY, "07:40"))
    PickupRequest.objects.filter(pk=pickup.pk).update(status=PickupRequest.Status.PLANNED)
    return pickup, key_client(vehicle.vehicle.organisation)


def _pickup_collected(cast):
    pickup, collector = _planned_pickup_on_a_route(cast)
    return Post(params={"pk": pickup.pk}, body={"litres": 200}, other_body={"litres": 210},
                client=collector)


def _pickup_missed(cast):
    pickup, collector = _planned_pickup_on_a_route(cast)
    return Post(params={"pk": pickup.pk}, body={"reason": "blocked"},
                other_body={"reason": "no_access"}, client=collector)


def _webhook_endpoint(cast):
    return Post(body={"url": "https://93.184.215.14/hook"},
                other_body={"url": "https://93.184.215.14/other"})


SCENARIOS = {
    "/api/v1/bookings/": lambda cast: Post(body=booking_body(cast.bay, cast.van),
                                           other_body=booking_body(cast.bay, cast.van,
                                                                   "09:00", "09:30")),
    "/api/v1/bookings/{reference}/accept-alternative/": _accept_alternative,
    "/api/v1/bookings/{reference}/cancel/": _booking_action,
    "/api/v1/bookings/{reference}/check-in/": _check_in,
    "/api/v1/bookings/{reference}/check-out/": _checked_in,
    "/api/v1/bookings/{reference}/reschedule/": _reschedule,
    "/api/v1/enforcement/bookings/{reference}/check-in": _enforcement_check_in,
    "/api/v1/enforcement/bookings/{reference}/no-show": _enforcement_no_show,
    "/api/v1/hub-chains/": _chain_create,
    "/api/v1/hub-chains/{pk}/cancel/": lambda cast: Post(params={"pk": cast.chain().pk}),
    "/api/v1/hub-chains/{pk}/move-delivery/": _chain_move("10:00", "10:20"),
    "/api/v1/hub-chains/{pk}/move-inbound/": _chain_move("08:30", "09:00"),
    "/api/v1/hub-dock-reservations/": _dock_create,
    "/api/v1/hub-dock-reservations/{pk}/cancel/": _dock_cancel,
    "/api/v1/hub-storage-reservations/": _storage_create,
    "/api/v1/hub-storage-reservations/{pk}/cancel/": _storage_cancel,
    "/api/v1/collector-pickups/{pk}/collected/": _pickup_collected,
    "/api/v1/collector-pickups/{pk}/missed/": _pickup_missed,
    "/api/v1/pickups/": _pickup_create,
    "/api/v1/pickups/{pk}/cancel/": _pickup_cancel,
    "/api/v1/requests/": _request_create,
    "/api/v1/requests/{reference}/withdraw/": _request_withdraw,
    "/api/v1/series/{pk}/end/": _series_end,
    "/api/v1/vehicles/": _vehicle_create,
    "/api/v1/waitlist/": _waitlist_join,
    "/api/v1/waitlist/{pk}/claim/": _waitlist_claim,
    "/api/v1/waitlist/{pk}/withdraw/": _waitlist_withdraw,
    "/api/v1/webhooks/endpoints/": _webhook_endpoint,
}


def test_every_post_endpoint_of_the_api_has_a_scenario_here():
    assert post_endpoints() == set(SCENARIOS)


# The table a statement writes to, wherever the write sits in it (on PostgreSQL an insert
# with its history row is one data-modifying WITH).
WRITTEN_TABLE = re.compile(
    r'\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?|\bUPDATE\s+"?(\w+)"?\s+SET\b',
    re.IGNORECASE)


def writes_outside_the_key_table(queries) -> list[str]:
    """The tables a request's statements changed, other than the idempotency keys' own."""
    written = [a or b for q in queries for a, b in WRITTEN_TABLE.findall(q["sql"])]
    return [table for table in written if table != KEY_TABLE]


@pytest.fixture
def cast(owner, bay, van, time_machine, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    time_machine.move_to(at(FRIDAY, "06:00"), tick=False)
    return Cast(owner, bay, van, time_machine)


@pytest.mark.parametrize("path", sorted(SCENARIOS))
def test_the_same_key_twice_acts_once_and_another_body_is_refused(cast, path):
    post = SCENARIOS[path](cast)
    client = post.client or cast.owner
    url = path.format(**post.params)

    def send(body):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
        return response, writes_outside_the_key_table(queries.captured_queries)

    first, first_writes = send(post.body)
    assert 200 <= first.status_code < 300, first.content
    assert first_writes, "the first request must act"

    again, again_writes = send(post.body)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert again_writes == []

    other, other_writes = send(post.other_body)
    assert other.status_code == 422, other.content
    assert problem(other)["code"] == "idempotency_key_reused"
    assert other_writes == []


def test_the_schema_offers_the_key_on_every_post():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    assert len(posts) == len(SCENARIOS)
    for path, operation in posts.items():
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], path


def test_a_caller_without_an_organisation_is_told_that_keys_need_one(cast):
    """A staff member's own session may check in for enforcement, but has no organisation
    to keep a key for: the key is refused and nothing is done."""
    booking = cast.at_the_kerb(cast.booking())
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))
    url = f"/api/v1/enforcement/bookings/{booking.reference}/check-in"
    refused = staff.post(url, HTTP_IDEMPOTENCY_KEY="retry-1", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400, refused.content
    (error,) = problem(refused)["errors"]
    assert error["field"] == "Idempotency-Key"
    assert error["detail"] == "Only a caller acting for an organisation can use this header."
    in_dutch = staff.post(url, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert problem(in_dutch)["errors"][0]["detail"] == (
        "Alleen wie namens een organisatie handelt, kan deze header gebruiken.")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert staff.post(url).status_code == 200
