"""Every /cds/ answer validates against the official CDS 1.0 OpenAPI schemas (as corrected by
the specification's text, see tests/cds/schemas.py): every endpoint, with and without its
parameters, every object fetched by its id, every page of events, and every error."""

import datetime as dt
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from bookings.services import booking_check_in, booking_check_out, booking_create
from cds import events as cds_events
from cds import ids
from cds.query import to_millis
from organisations.models import Organisation, Vehicle
from places.models import Closure, TimeWindow
from tests.access.factories import RegisteredVehicleFactory
from tests.cds import schemas
from tests.conftest import FRIDAY, NOW, at
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory, ZoneFactory

pytestmark = pytest.mark.django_db
CDS = "application/vnd.cds+json;version=1.0"
# The Leiden centre drawn clockwise, as some drawing tools do, with a hole (the Burcht).
SINGEL = [[4.4785, 52.1640], [4.4880, 52.1665], [4.5000, 52.1630], [4.5035, 52.1575],
          [4.4990, 52.1530], [4.4880, 52.1525], [4.4800, 52.1560], [4.4785, 52.1640]]
BURCHT = [[4.4920, 52.1580], [4.4935, 52.1580], [4.4935, 52.1590], [4.4920, 52.1590],
          [4.4920, 52.1580]]
BOX = {"min_lat": 52.157, "min_lng": 4.487, "max_lat": 52.160, "max_lng": 4.493}
POINT = {"lat": 52.1585, "lng": 4.4900, "radius": 50_000}


@pytest.fixture
def city(frozen_now, monkeypatch):
    """Two zones (one drawn, one not), bays with their own and their zone's windows,
    closures of a day and of weekday mornings, and check-ins by carriers and a collector."""
    monkeypatch.setattr(cds_events, "PAGE_SIZE", 2)  # pages without 500 bookings
    centre = ZoneFactory(name="Binnenstad",
                         boundary={"type": "Polygon", "coordinates": [SINGEL, BURCHT]})
    station = ZoneFactory(name="Stationsgebied", municipality=centre.municipality,
                          standard_windows=False)
    ZoneFactory(name="Leeg", municipality=centre.municipality, standard_windows=False)
    bays = [
        BayFactory(zone=centre, code="LEI-001", latitude=52.1585, longitude=4.4900,
                   kerb_length_m=Decimal("18.5"), max_vehicles=2),
        BayFactory(zone=centre, code="LEI-002", latitude=52.1600, longitude=4.4920,
                   max_vehicles=1),
        BayFactory(zone=station, code="LEI-101", latitude=52.1660, longitude=4.4820,
                   max_vehicles=3),
    ]
    TimeWindow.objects.create(bay=bays[1], weekday=4, start=dt.time(6), end=dt.time(9))
    TimeWindow.objects.create(zone=station, weekday=4, start=dt.time(5), end=dt.time(22))
    Closure.objects.create(zone=centre, reason=Closure.Reason.MARKET, start_date=FRIDAY,
                           end_date=FRIDAY + dt.timedelta(days=60), weekdays=[2, 5],
                           start_time=dt.time(8), end_time=dt.time(14))
    Closure.objects.create(bay=bays[2], reason=Closure.Reason.ROADWORKS,
                           start_date=FRIDAY + dt.timedelta(days=3),
                           end_date=FRIDAY + dt.timedelta(days=4))
    _visits(bays)
    return {"zones": [centre, station], "bays": bays}


def _visits(bays):
    RegisteredVehicleFactory(plate="VF789M", fuels=["Benzine", "Elektriciteit"])
    # The register clears the electric truck for zero-emission-only windows.
    RegisteredVehicleFactory(plate="BX001Z", fuels=["Elektriciteit"], zero_emission=True)
    carrier = OrganisationFactory()
    collector = OrganisationFactory(kind=Organisation.Kind.WASTE_COLLECTOR)
    vehicles = [
        VehicleFactory(organisation=carrier, plate="VF789M", zero_emission=False),
        VehicleFactory(organisation=carrier, plate="GV123B", zero_emission=True,
                       category=Vehicle.Category.CARGO_BIKE, length_m=Decimal("2.5")),
        VehicleFactory(organisation=collector, plate="BX001Z", zero_emission=True,
                       category=Vehicle.Category.TRUCK, length_m=Decimal("9")),
    ]
    plan = [(1, 1, "06:30"), (0, 0, "07:00"), (1, 1, "08:00"), (2, 2, "09:00"),
            (0, 0, "10:00"), (2, 2, "12:00")]
    for number, (bay, vehicle, hhmm) in enumerate(plan):
        vehicle, start = vehicles[vehicle], at(FRIDAY, hhmm)
        booking = booking_create(bay=bays[bay], organisation=vehicle.organisation,
                                 vehicle=vehicle, start=start,
                                 end=start + dt.timedelta(minutes=30))
        booking_check_in(booking=booking, now=start + dt.timedelta(minutes=2))
        if number % 2:
            booking_check_out(booking=booking, now=start + dt.timedelta(minutes=20))
    unknown = booking_create(bay=bays[0], organisation=carrier, vehicle_length_m=Decimal("6"),
                             vehicle_mass_kg=3500,
                             zero_emission=True, start=at(FRIDAY, "10:30"),
                             end=at(FRIDAY, "10:50"))
    booking_check_in(booking=unknown, now=at(FRIDAY, "10:31"))


def get(path, params=None, accept=CDS):
    return Client().get(path, params or {}, HTTP_ACCEPT=accept)


def valid(path, params=None) -> dict:
    """The answer's data, after checking the answer against the corrected CDS schema."""
    response = get(path, params)
    assert response.status_code == 200, (path, params, response.content)
    assert response["Content-Type"] == CDS
    body = response.json()
    include_geometry = (params or {}).get("include_geometry") != "false"
    assert schemas.response_problems(path, body, include_geometry=include_geometry) == [], (
        path, params)
    return body


def test_every_curbs_list_and_object_conforms_with_and_without_parameters(city):
    centre, station = city["zones"]
    bay = city["bays"][0]
    published = valid(f"/cds/curbs/zones/{ids.curb_zone_id(bay.pk)}")["data"]["start_date"]
    later = to_millis(NOW + dt.timedelta(days=1, hours=3))
    lists = {
        "zones": [{}, {"area": ids.curb_area_id(centre.pk)}, BOX, POINT,
                  {"include_geometry": "false"}, {"time": published}, {"time": later},
                  {**BOX, "area": ids.curb_area_id(station.pk)}],
        "areas": [{}, BOX, POINT],
        "spaces": [{}, {"zone": ids.curb_zone_id(bay.pk)}, {"time": later}, BOX, POINT],
        "policies": [{}],
    }
    key = {"zones": "curb_zone_id", "areas": "curb_area_id", "spaces": "curb_space_id",
           "policies": "curb_policy_id"}
    for kind, variants in lists.items():
        for params in variants:
            valid(f"/cds/curbs/{kind}", params)
        everything = valid(f"/cds/curbs/{kind}")["data"][kind]
        assert everything, kind
        for item in everything:
            fetched = valid(f"/cds/curbs/{kind}/{item[key[kind]]}")["data"]
            assert fetched == item
    policy_ids = [p["curb_policy_id"] for p in valid("/cds/curbs/policies")["data"]["policies"]]
    valid("/cds/curbs/policies", {"ids": ",".join(policy_ids[:3])})
    valid(f"/cds/curbs/zones/{ids.curb_zone_id(bay.pk)}", {"time": published})
    valid(f"/cds/curbs/spaces/{ids.curb_space_id(bay.pk, 1)}", {"time": later})


def test_the_drawn_boundary_is_the_curb_area_and_turns_the_rfc_7946_way(city):
    centre = city["zones"][0]
    area = valid(f"/cds/curbs/areas/{ids.curb_area_id(centre.pk)}")["data"]
    assert area["geometry"]["coordinates"] == [list(reversed(SINGEL)), list(reversed(BURCHT))]


def test_every_page_of_events_conforms_and_the_pages_add_up(city):
    for params in [{}, {"curb_zone_id": ids.curb_zone_id(city["bays"][0].pk)},
                   {"curb_area_id": ids.curb_area_id(city["zones"][0].pk)},
                   {"curb_space_id": ids.curb_space_id(city["bays"][2].pk, 2)}]:
        seen, url, pages = [], ("/cds/events/events", params), 0
        while url is not None:
            body = valid(*url)
            seen += body["data"]["events"]
            pages += 1
            next_url = body["links"]["next"]
            url = None if next_url is None else (urlsplit(next_url).path,
                                                 dict(_query(next_url)))
        assert len({e["event_id"] for e in seen}) == len(seen)
        if not params:
            assert pages >= 3 and len(seen) == 10  # 7 check-ins, 3 check-outs


def _query(url):
    from urllib.parse import parse_qsl

    return parse_qsl(urlsplit(url).query)


@pytest.mark.parametrize("path, params, status", [
    ("/cds/curbs/zones", {"min_lat": "52"}, 400),
    ("/cds/curbs/zones", {"lat": "x", "lng": "4", "radius": "5"}, 400),
    ("/cds/curbs/policies", {"ids": "not-a-uuid"}, 400),
    (f"/cds/curbs/zones/{uuid.uuid4()}", {}, 404),
    (f"/cds/curbs/policies/{uuid.uuid4()}", {}, 404),
    ("/cds/curbs/nothing", {}, 404),
    ("/cds/events/status", {}, 501),
])
def test_every_error_is_a_cds_error_message(city, path, params, status):
    response = get(path, params)
    assert response.status_code == status
    assert response["Content-Type"] == CDS
    assert schemas.error_problems(response.json()) == []


def test_not_acceptable_and_wrong_methods_are_cds_error_messages(city):
    for response in [get("/cds/curbs/zones", accept="text/csv"),
                     Client(enforce_csrf_checks=True).post("/cds/events/events")]:
        assert response.status_code in (405, 406)
        assert schemas.error_problems(response.json()) == []


def test_the_verbatim_schema_files_contradict_the_text_where_the_corrections_say(city):
    """Without the corrections, Venster's conforming answers fail (so none is needless)."""
    files = schemas._files()
    zones = valid("/cds/curbs/zones")
    curbs_api = files[schemas.CURBS_API]
    zones_data = curbs_api["paths"]["/curbs/zones"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["properties"]["data"]
    assert zones_data["type"] == "array" and isinstance(zones["data"], dict)
    referenced = curbs_api["paths"]["/curbs/areas"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["properties"]["last_updated"]["$ref"]
    assert not (schemas.ROOT / "APIs" / referenced).resolve().exists()
    span = files[schemas.MODELS + "time_spans.yaml"]["properties"]["days_of_week"]
    assert span["type"] == "string"
    event = files[schemas.MODELS + "curb_event.yaml"]["properties"]
    assert event["event_type"]["$ref"] == "./event_purpose.yaml"
    with time_machine.travel(NOW, tick=False):
        assert "bicyle" in files[schemas.MODELS + "vehicle_type.yaml"]["enum"]
