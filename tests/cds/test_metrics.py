"""CDS Metrics: sessions from check-ins and check-outs, hourly aggregates, for
municipalities only, as CSV that validates against the official schemas."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from api.models import OrganisationAPIKey
from bookings.models import Booking
from cds import ids
from cds.query import to_millis
from organisations.models import Membership, Organisation
from places.localtime import LOCAL
from tests.cds import schemas
from tests.factories import (
    BayFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
CSV = "application/vnd.cds+csv;version=1.0"
NOW = dt.datetime(2026, 10, 27, 12, 0, tzinfo=LOCAL)
REFERENCES = itertools.count()


def local(day: str, hhmm: str, fold: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=LOCAL, fold=fold)


WEEK_START = to_millis(dt.datetime(2026, 10, 20, tzinfo=LOCAL))


def visit(bay, arrived: dt.datetime, left: dt.datetime | None, vehicle=None) -> Booking:
    """A booking that was checked in (and out, when ``left`` is given)."""
    vehicle = vehicle or VehicleFactory(length_m=Decimal("6.5"))
    return Booking.objects.create(
        reference=f"M{next(REFERENCES):07d}", bay=bay, organisation=vehicle.organisation,
        vehicle=vehicle, plate=vehicle.plate, vehicle_length_m=vehicle.length_m,
        zero_emission=False, start=arrived, end=(left or arrived) + dt.timedelta(minutes=30),
        status=Booking.Status.COMPLETED if left else Booking.Status.CHECKED_IN,
        channel=Booking.Channel.API, checked_in_at=arrived, checked_out_at=left)


@pytest.fixture
def city():
    zone = ZoneFactory()
    bay = BayFactory(zone=zone, max_vehicles=1)
    gouda = MunicipalityFactory(name="Gouda", slug="gouda", cbs_code="GM0513")
    other_city_bay = BayFactory(zone=ZoneFactory(municipality=gouda))
    council = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                  municipality=zone.municipality)
    visit(bay, local("2026-10-20", "08:02"), local("2026-10-20", "08:21"))
    visit(bay, local("2026-10-20", "08:40"), local("2026-10-20", "09:10"))
    visit(bay, local("2026-10-27", "11:30"), None)
    visit(other_city_bay, local("2026-10-20", "08:00"), local("2026-10-20", "09:00"))
    return {"zone": zone, "bay": bay, "council": council, "other_bay": other_city_bay}


def client_for(organisation) -> Client:
    _row, key = OrganisationAPIKey.objects.create_key(name="metrics", organisation=organisation)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


def get(client, path, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(f"/cds/metrics/{path}", params, HTTP_ACCEPT=CSV)


def rows(response, model):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CSV
    found, problems = schemas.csv_problems(response.content.decode(), model)
    assert problems == []
    return found


def test_sessions_need_a_municipality(city):
    anonymous = get(Client(), "sessions")
    assert anonymous.status_code == 401
    assert schemas.error_problems(anonymous.json()) == []
    assert get(client_for(OrganisationFactory()), "sessions").status_code == 401
    carrier_member = Client()
    carrier_member.force_login(MembershipFactory().user)
    assert get(carrier_member, "sessions").status_code == 401


def test_sessions_are_the_municipality_s_check_ins_with_open_ones_ending_in_null(city):
    found = rows(get(client_for(city["council"]), "sessions", start_time=WEEK_START),
                 schemas.SESSION)
    assert len(found) == 3, "the other city's visit is not shown"
    assert {r["curb_zone_id"] for r in found} == {ids.curb_zone_id(city["bay"].pk)}
    first = found[0]
    assert first["session_type"] == "parking"
    assert first["event_time_start"] == to_millis(local("2026-10-20", "08:02"))
    assert first["event_time_end"] == to_millis(local("2026-10-20", "08:21"))
    assert first["curb_area_ids"] == [ids.curb_area_id(city["zone"].pk)]
    assert first["vehicle_length"] == 650
    still_there = found[2]
    assert still_there["event_time_end"] is None and still_there["event_id_end"] is None


def test_a_signed_in_municipal_member_sees_the_same(city):
    member = UserFactory()
    Membership.objects.create(user=member, organisation=city["council"],
                              role=Membership.Role.MANAGER)
    client = Client()
    client.force_login(member)
    assert len(rows(get(client, "sessions", start_time=WEEK_START), schemas.SESSION)) == 3


def test_without_a_period_the_last_seven_days_are_given(city):
    found = rows(get(client_for(city["council"]), "sessions"), schemas.SESSION)
    assert [r["event_time_start"] for r in found] == [to_millis(local("2026-10-27", "11:30"))]


def test_aggregates_follow_the_methodology_per_bay_and_zone(city):
    found = rows(get(client_for(city["council"]), "aggregates",
                     start_time=to_millis(local("2026-10-20", "00:00")),
                     end_time=to_millis(local("2026-10-21", "00:00"))), schemas.AGGREGATE)
    bay_id = ids.curb_zone_id(city["bay"].pk)
    values = {(r["metric_type"], r["hour"]): r["value"] for r in found
              if r["curb_place_id"] == bay_id}
    assert values[("total_sessions", 8)] == 2
    assert values[("turnover", 8)] == 2
    assert values[("average_dwell_time", 8)] == pytest.approx((19 + 30) / 2)
    # 08:02-08:21 and 08:40-09:00 in the 08 hour of a bay for one vehicle: 39 of 60 minutes
    assert values[("occupancy_percent", 8)] == pytest.approx(65.0)
    assert values[("occupancy_percent", 9)] == pytest.approx(round(100 * 10 / 60, 1))
    assert values[("total_sessions", 9)] == 0, "a session counts in the hour it starts"
    assert ("average_dwell_time", 9) not in values, "no session started at 9"
    area = {r["metric_type"] for r in found
            if r["curb_place_type"] == "area" and r["curb_place_id"] == ids.curb_area_id(
                city["zone"].pk)}
    assert area == {"total_sessions", "turnover", "average_dwell_time", "occupancy_percent"}
    assert {r["date"] for r in found} == {"2026-10-20"}


def test_the_hour_repeated_in_autumn_is_one_bucket_of_120_minutes():
    bay = BayFactory(max_vehicles=1)
    council = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                  municipality=bay.zone.municipality)
    # 25 October 2026: 02:10 summer time until 02:50 winter time is 100 minutes
    visit(bay, local("2026-10-25", "02:10"), local("2026-10-25", "02:50", fold=1))
    found = rows(get(client_for(council), "aggregates", curb_place_type="zone",
                     curb_place_id=ids.curb_zone_id(bay.pk),
                     start_time=to_millis(local("2026-10-25", "00:00")),
                     end_time=to_millis(local("2026-10-26", "00:00"))), schemas.AGGREGATE)
    values = {(r["metric_type"], r["hour"]): r["value"] for r in found}
    assert values[("average_dwell_time", 2)] == pytest.approx(100.0)
    assert values[("occupancy_percent", 2)] == pytest.approx(round(100 * 100 / 120, 1))
    assert {r["hour"] for r in found} == {2}


def test_one_metric_and_one_place_can_be_asked_for(city):
    found = rows(get(client_for(city["council"]), "aggregates", metric_type="total_sessions",
                     curb_place_type="area", curb_place_id=ids.curb_area_id(city["zone"].pk),
                     start_time=to_millis(local("2026-10-20", "00:00"))), schemas.AGGREGATE)
    assert found and {(r["metric_type"], r["curb_place_type"]) for r in found} == {
        ("total_sessions", "area")}


@pytest.mark.parametrize("params", [
    {"start_time": "99999999999999999999"},
    {"start_time": "yesterday"},
    {"start_time": "1790000000000", "end_time": "1780000000000"},
    {"start_time": "1700000000000", "end_time": "1790000000000"},
    {"curb_place_type": "zone"},
    {"curb_place_type": "space", "curb_place_id": "7e6be807-ff61-4f12-85c8-0fb740b24436"},
    {"curb_place_type": "zone", "curb_place_id": "not-a-uuid\x00"},
    {"metric_type": "total_events"},
    {"min_lat": "52"},
    {"lat": "52.1", "lng": "4.4", "radius": "-3"},
], ids=lambda p: "&".join(p))
def test_bad_parameters_are_refused_in_the_cds_error_format(city, params):
    response = get(client_for(city["council"]), "aggregates", **params)
    assert response.status_code == 400, response.content
    assert schemas.error_problems(response.json()) == []


def test_other_media_types_are_not_acceptable_and_writes_are_not_allowed(city):
    client = client_for(city["council"])
    with time_machine.travel(NOW, tick=False):
        assert client.get("/cds/metrics/sessions", HTTP_ACCEPT="text/html").status_code == 406
        assert client.get("/cds/metrics/sessions", HTTP_ACCEPT="text/csv").status_code == 200
        assert client.post("/cds/metrics/sessions").status_code == 405
