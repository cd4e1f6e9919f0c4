"""The Curbs API: every object carries the fields and types CDS 1.0 names, in its envelope."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from bookings.services import booking_create
from cds import ids
from cds.query import to_millis
from places.models import Closure, TimeWindow
from tests.cds import schemas
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory, ZoneFactory

pytestmark = pytest.mark.django_db
CDS = "application/vnd.cds+json;version=1.0"
# Two bays in Leiden about 300 m apart, and one in a second zone.
BREESTRAAT = (52.15850, 4.48900)
HAARLEMMERSTRAAT = (52.16100, 4.49100)


@pytest.fixture
def places(frozen_now):
    zone = ZoneFactory(name="Centrum", max_vehicle_length_m=Decimal("12"),
                       max_vehicle_weight_kg=7500)
    other = ZoneFactory(name="Stationsgebied", municipality=zone.municipality)
    bay = BayFactory(zone=zone, code="LEI-001", latitude=BREESTRAAT[0],
                     longitude=BREESTRAAT[1], kerb_length_m=Decimal("18.5"), max_vehicles=2,
                     max_vehicle_length_m=Decimal("10"))
    far = BayFactory(zone=other, code="LEI-002", latitude=HAARLEMMERSTRAAT[0],
                     longitude=HAARLEMMERSTRAAT[1], kerb_length_m=Decimal("12"), max_vehicles=1)
    TimeWindow.objects.create(bay=far, weekday=5, start=dt.time(9), end=dt.time(12))
    Closure.objects.create(zone=zone, reason=Closure.Reason.MARKET, start_date=FRIDAY,
                           end_date=FRIDAY + dt.timedelta(days=60), weekdays=[2],
                           start_time=dt.time(8), end_time=dt.time(14))
    return {"zone": zone, "other": other, "bay": bay, "far": far}


def get(path, accept=CDS, **params):
    return Client().get(path, params, HTTP_ACCEPT=accept)


def data(path, **params):
    response = get(path, **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CDS
    body = response.json()
    include_geometry = params.get("include_geometry") != "false"
    assert schemas.response_problems(path, body, include_geometry=include_geometry) == []
    assert body["version"] == "1.0.0" and body["time_zone"] == "Europe/Amsterdam"
    assert body["currency"] == "EUR"
    return body["data"]


def test_every_curb_zone_has_the_required_fields_and_types(places):
    zones = data("/cds/curbs/zones")["zones"]
    assert len(zones) == 2
    for zone in zones:
        assert schemas.problems(zone, schemas.CURB_ZONE) == []


def test_a_bay_is_a_curb_zone_with_lengths_in_centimetres_and_documented_extensions(places):
    zone = data(f"/cds/curbs/zones/{ids.curb_zone_id(places['bay'].pk)}")
    assert schemas.problems(zone, schemas.CURB_ZONE) == []
    assert zone["length"] == 1850
    assert zone["x_venster_max_vehicle_length"] == 1000  # the bay's limit, below the zone's
    assert zone["x_venster_max_vehicle_mass"] == 7500
    assert zone["user_zone_id"] == "LEI-001" and zone["street_name"] == "Breestraat"
    assert zone["curb_area_ids"] == [ids.curb_area_id(places["zone"].pk)]
    assert len(zone["curb_space_ids"]) == 2


def test_ids_are_stable_uuids_derived_from_our_ids(places):
    first = data("/cds/curbs/zones")["zones"]
    second = data("/cds/curbs/zones")["zones"]
    assert [z["curb_zone_id"] for z in first] == [z["curb_zone_id"] for z in second]
    expected = str(uuid.uuid5(ids.NAMESPACE, f"curb-zone:{places['bay'].pk}"))
    assert expected in {z["curb_zone_id"] for z in first}
    assert [z["curb_policy_ids"] for z in first] == [z["curb_policy_ids"] for z in second]


def test_timestamps_are_epoch_milliseconds(places):
    zone = data(f"/cds/curbs/zones/{ids.curb_zone_id(places['bay'].pk)}")
    created = places["bay"].history.earliest().history_date
    assert zone["published_date"] == created.timestamp() * 1000 // 1
    assert schemas.is_timestamp(zone["published_date"])
    assert zone["start_date"] == zone["published_date"]
    assert zone["last_updated_date"] >= zone["published_date"]


def test_a_missing_curb_zone_is_not_found(places):
    assert get(f"/cds/curbs/zones/{uuid.uuid4()}").status_code == 404
    before = to_millis(places["bay"].history.earliest().history_date) - 1000
    bay_id = ids.curb_zone_id(places["bay"].pk)
    assert get(f"/cds/curbs/zones/{bay_id}", time=before).status_code == 404


def test_every_referenced_policy_area_and_space_can_be_fetched(places):
    zones = data("/cds/curbs/zones")["zones"]
    policy_ids = {p["curb_policy_id"] for p in data("/cds/curbs/policies")["policies"]}
    area_ids = {a["curb_area_id"] for a in data("/cds/curbs/areas")["areas"]}
    space_ids = {s["curb_space_id"] for s in data("/cds/curbs/spaces")["spaces"]}
    for zone in zones:
        assert set(zone["curb_policy_ids"]) <= policy_ids
        assert set(zone["curb_area_ids"]) <= area_ids
        assert set(zone["curb_space_ids"]) <= space_ids


def test_every_area_space_and_policy_has_the_required_fields_and_types(places):
    for area in data("/cds/curbs/areas")["areas"]:
        assert schemas.problems(area, schemas.CURB_AREA) == []
    for space in data("/cds/curbs/spaces")["spaces"]:
        assert schemas.problems(space, schemas.CURB_SPACE) == []
    for policy in data("/cds/curbs/policies")["policies"]:
        assert schemas.problems(policy, schemas.POLICY) == []


def test_windows_become_loading_policies_and_zero_emission_only_says_so(places):
    policies = data("/cds/curbs/policies")["policies"]
    zone = data(f"/cds/curbs/zones/{ids.curb_zone_id(places['bay'].pk)}")
    mine = [p for p in policies if p["curb_policy_id"] in zone["curb_policy_ids"]]
    friday = [p for p in mine if p.get("time_spans", [{}])[0].get("days_of_week") == ["fri"]]
    clean = [p for p in friday if p["rules"][0].get("x_venster_zero_emission_only")]
    assert len(friday) == 2 and len(clean) == 1
    assert clean[0]["rules"][0]["user_classes"] == ["zero_emission"]
    assert clean[0]["rules"][0]["activity"] == "loading"
    assert clean[0]["rules"][0]["max_stay"] == 60
    assert clean[0]["time_spans"] == [{"days_of_week": ["fri"], "time_of_day_start": "11:00",
                                       "time_of_day_end": "18:00"}]
    base = [p for p in mine if p["priority"] == 100]
    assert base[0]["rules"] == [{"activity": "no loading"}]


def test_a_closure_is_a_no_loading_policy_that_takes_precedence(places):
    zone = data(f"/cds/curbs/zones/{ids.curb_zone_id(places['bay'].pk)}")
    policies = data("/cds/curbs/policies", ids=",".join(zone["curb_policy_ids"]))["policies"]
    closure = next(p for p in policies if p["priority"] == 1)
    assert closure["rules"][0]["activity"] == "no loading"
    assert closure["rules"][0]["x_venster_closure_reason"] == "market"
    span = closure["time_spans"][0]
    assert span["start_date"] == to_millis(at(FRIDAY, "00:00"))
    assert span["days_of_week"] == ["wed"]
    assert (span["time_of_day_start"], span["time_of_day_end"]) == ("08:00", "14:00")


def test_a_bay_with_its_own_windows_on_a_day_drops_its_zones_windows_that_day(places):
    zone = data(f"/cds/curbs/zones/{ids.curb_zone_id(places['far'].pk)}")
    policies = data("/cds/curbs/policies", ids=",".join(zone["curb_policy_ids"]))["policies"]
    saturday = [p for p in policies if p.get("time_spans", [{}])[0].get("days_of_week") == ["sat"]]
    assert [p["time_spans"][0]["time_of_day_start"] for p in saturday] == ["09:00"]


def test_the_policies_filter_takes_a_list_of_ids(places):
    everything = data("/cds/curbs/policies")["policies"]
    two = [p["curb_policy_id"] for p in everything[:2]]
    chosen = data("/cds/curbs/policies", ids=",".join(two))["policies"]
    assert sorted(p["curb_policy_id"] for p in chosen) == sorted(two)


def test_a_bounding_box_keeps_only_what_it_touches(places):
    box = {"min_lat": 52.157, "min_lng": 4.487, "max_lat": 52.160, "max_lng": 4.490}
    zones = data("/cds/curbs/zones", **box)["zones"]
    assert [z["user_zone_id"] for z in zones] == ["LEI-001"]
    spaces = data("/cds/curbs/spaces", **box)["spaces"]
    assert {s["curb_zone_id"] for s in spaces} == {ids.curb_zone_id(places["bay"].pk)}


def test_half_a_bounding_box_is_a_bad_request(places):
    response = get("/cds/curbs/zones", min_lat=52.1, min_lng=4.4)
    assert response.status_code == 400
    assert schemas.error_problems(response.json()) == []


def test_a_radius_in_centimetres_keeps_what_is_near_nearest_first(places):
    lat, lng = BREESTRAAT
    near = data("/cds/curbs/zones", lat=lat, lng=lng, radius=5000)["zones"]  # 50 m
    assert [z["user_zone_id"] for z in near] == ["LEI-001"]
    both = data("/cds/curbs/zones", lat=HAARLEMMERSTRAAT[0], lng=HAARLEMMERSTRAAT[1],
                radius=100_000)["zones"]  # 1 km
    assert [z["user_zone_id"] for z in both] == ["LEI-002", "LEI-001"]


def test_the_area_filter_and_include_geometry(places):
    area = ids.curb_area_id(places["other"].pk)
    zones = data("/cds/curbs/zones", area=area, include_geometry="false")["zones"]
    assert [z["user_zone_id"] for z in zones] == ["LEI-002"]
    assert "geometry" not in zones[0]
    assert schemas.problems(zones[0], schemas.CURB_ZONE, include_geometry=False) == []


def test_the_time_filter_leaves_out_zones_not_yet_published(places):
    before = to_millis(places["bay"].history.earliest().history_date) - 1000
    assert data("/cds/curbs/zones", time=before)["zones"] == []
    assert len(data("/cds/curbs/zones", time=to_millis(at(FRIDAY, "12:00")))["zones"]) == 2


def test_spaces_split_a_bay_and_show_which_are_free_at_a_time(places):
    bay = places["bay"]
    booking_create(bay=bay, organisation=OrganisationFactory(), vehicle_length_m=Decimal("6"),
                   vehicle_mass_kg=3500,
                   zero_emission=True, start=at(FRIDAY, "09:00"), end=at(FRIDAY, "09:30"))
    zone_id = ids.curb_zone_id(bay.pk)
    spaces = data("/cds/curbs/spaces", zone=zone_id, time=to_millis(at(FRIDAY, "09:10")))[
        "spaces"]
    assert [s["space_number"] for s in spaces] == [1, 2]
    assert [s["length"] for s in spaces] == [925, 925]
    assert [s["available"] for s in spaces] == [True, False]
    assert spaces[0]["availability_time"] == to_millis(at(FRIDAY, "09:10"))
    night = data("/cds/curbs/spaces", zone=zone_id, time=to_millis(at(FRIDAY, "23:00")))[
        "spaces"]
    assert [s["available"] for s in night] == [False, False]  # outside every window


def test_the_zones_list_takes_the_same_few_queries_for_many_bays(places,
                                                                 django_assert_max_num_queries):
    for n in range(20):
        BayFactory(zone=places["zone"], code=f"MANY-{n}")
    with django_assert_max_num_queries(8):
        assert len(data("/cds/curbs/zones")["zones"]) == 22


@pytest.mark.parametrize("accept, status", [
    (CDS, 200), ("application/vnd.cds+json;version=1.0.0", 200), ("application/vnd.cds+json", 200),
    ("*/*", 200), ("application/json", 200), ("", 200),
    ("application/vnd.cds+json;version=2.0", 406), ("text/csv", 406),
])
def test_the_accept_header_is_honoured(places, accept, status):
    response = get("/cds/curbs/zones", accept=accept)
    assert response.status_code == status
    assert response["Content-Type"] == CDS


def test_answers_are_public_and_cacheable_and_revalidate(places):
    response = get("/cds/curbs/zones")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "Accept" in response["Vary"]
    again = Client().get("/cds/curbs/zones", HTTP_ACCEPT=CDS,
                         HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def cds_paths(places) -> list[str]:
    bay = places["bay"].pk
    policy = data(f"/cds/curbs/zones/{ids.curb_zone_id(bay)}")["curb_policy_ids"][0]
    return ["/cds/curbs/zones", f"/cds/curbs/zones/{ids.curb_zone_id(bay)}",
            "/cds/curbs/areas", f"/cds/curbs/areas/{ids.curb_area_id(places['zone'].pk)}",
            "/cds/curbs/spaces", f"/cds/curbs/spaces/{ids.curb_space_id(bay, 1)}",
            "/cds/curbs/policies", f"/cds/curbs/policies/{policy}",
            "/cds/events/events", "/cds/events/status"]


def assert_cds_error(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == CDS
    body = response.json()
    assert schemas.error_problems(body) == []
    assert body["error"] == error
    return body


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_405_and_a_cds_error_not_the_csrf_page(places, method):
    browser_like = Client(enforce_csrf_checks=True)  # as a real client: CSRF is enforced
    for path in cds_paths(places):
        response = getattr(browser_like, method)(path, HTTP_ACCEPT=CDS)
        assert_cds_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET, HEAD"


def test_the_endpoints_need_no_authentication_and_answer_head(places):
    assert Client().get("/cds/curbs/areas").status_code == 200
    for path in cds_paths(places):
        assert Client().head(path, HTTP_ACCEPT=CDS).status_code in (200, 501)


@pytest.mark.parametrize("path", ["/cds/", "/cds/curbs/", "/cds/curbs/nothing",
                                  "/cds/curbs/zones/not-a-uuid", "/cds/metrics/activities"])
def test_an_address_without_an_endpoint_is_a_cds_404(places, path):
    assert_cds_error(Client().get(path, HTTP_ACCEPT=CDS), 404, "not_found")


def test_a_zone_is_found_at_exactly_its_start_date(places):
    """start_date is inclusive (general-information.md, Range Boundaries), though the bay was
    saved with microseconds and start_date counts whole milliseconds."""
    with time_machine.travel(at(FRIDAY, "06:30") + dt.timedelta(microseconds=123_456),
                             tick=False):
        bay = BayFactory(zone=places["zone"], code="LEI-003")
    zone_id = ids.curb_zone_id(bay.pk)
    start = data(f"/cds/curbs/zones/{zone_id}")["start_date"]
    assert start == to_millis(at(FRIDAY, "06:30")) + 123
    listed = data("/cds/curbs/zones", time=start)["zones"]
    assert zone_id in [z["curb_zone_id"] for z in listed]
    assert data(f"/cds/curbs/zones/{zone_id}", time=start)["curb_zone_id"] == zone_id
    assert get(f"/cds/curbs/zones/{zone_id}", time=start - 1).status_code == 404


def test_an_unhandled_error_under_cds_is_a_cds_500(places, monkeypatch):
    from cds import curbs

    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(curbs, "query_zones", fail)
    response = Client(raise_request_exception=False).get("/cds/curbs/zones", HTTP_ACCEPT=CDS)
    body = assert_cds_error(response, 500, "server_error")
    assert "a bug" not in str(body)
