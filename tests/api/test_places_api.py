"""Zones and bays, with their rules and closures, filtered and as GeoJSON."""

import datetime as dt
from decimal import Decimal

import pytest

from places.models import Closure, Municipality, TimeWindow
from tests.factories import BayFactory, ZoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def centre():
    leiden = ZoneFactory(slug="leiden-centrum", name="Centrum")
    gouda = ZoneFactory(slug="gouda-binnenstad", name="Binnenstad", municipality=Municipality
                        .objects.create(name="Gouda", slug="gouda", cbs_code="GM0513"))
    bays = {
        "bree": BayFactory(zone=leiden, code="L-BREE", street="Breestraat", latitude=52.1580,
                           longitude=4.4920, kerb_length_m=Decimal("12")),
        "hooi": BayFactory(zone=leiden, code="L-HOOI", street="Hooigracht", latitude=52.1590,
                           longitude=4.4975, kerb_length_m=Decimal("25"),
                           max_vehicle_length_m=Decimal("12")),
        "markt": BayFactory(zone=gouda, code="G-MARKT", street="Markt", latitude=52.0118,
                            longitude=4.7095, kerb_length_m=Decimal("10")),
    }
    return leiden, gouda, bays


def codes(response):
    assert response.status_code == 200, response.content
    return [b["code"] for b in response.json()["results"]]


def test_bays_are_filtered_by_municipality_zone_street_and_lengths(owner, centre):
    assert codes(owner.get("/api/v1/bays/", {"municipality": "gouda"})) == ["G-MARKT"]
    assert codes(owner.get("/api/v1/bays/", {"zone": "leiden-centrum"})) == ["L-BREE", "L-HOOI"]
    assert codes(owner.get("/api/v1/bays/", {"street": "bree"})) == ["L-BREE"]
    assert codes(owner.get("/api/v1/bays/", {"min_kerb_length_m": 20})) == ["L-HOOI"]
    assert codes(owner.get("/api/v1/bays/", {"vehicle_length_m": 11})) == ["L-HOOI"]


def test_bays_near_a_point_come_nearest_first_with_their_distance(owner, centre):
    response = owner.get("/api/v1/bays/", {"latitude": 52.1591, "longitude": 4.4976,
                                           "radius_m": 1000})
    assert codes(response) == ["L-HOOI", "L-BREE"]
    distances = [b["distance_m"] for b in response.json()["results"]]
    assert distances[0] < 20 < 300 < distances[1] < 500
    assert codes(owner.get("/api/v1/bays/", {"latitude": 52.1591, "longitude": 4.4976,
                                             "radius_m": 50})) == ["L-HOOI"]


def test_a_point_needs_both_coordinates(owner, centre):
    assert owner.get("/api/v1/bays/", {"latitude": 52.1}).status_code == 400


def test_a_bay_shows_its_zones_windows_unless_it_has_its_own_and_current_closures(owner, centre):
    leiden, _gouda, bays = centre
    TimeWindow.objects.create(bay=bays["hooi"], weekday=0, start=dt.time(6), end=dt.time(9))
    Closure.objects.create(zone=leiden, reason="market", start_date=dt.date(2026, 4, 1),
                           end_date=dt.date(2026, 4, 1), weekdays=[])
    Closure.objects.create(zone=leiden, reason="roadworks", start_date=dt.date(2025, 1, 1),
                           end_date=dt.date(2025, 1, 2), weekdays=[])
    bree = owner.get(f"/api/v1/bays/{bays['bree'].pk}/").json()
    hooi = owner.get(f"/api/v1/bays/{bays['hooi'].pk}/").json()
    assert len(bree["windows"]) == 14
    assert hooi["windows"] == [{"weekday": 0, "start": "06:00", "end": "09:00",
                                "zero_emission_only": False, "valid_from": None,
                                "valid_until": None}]
    assert [c["reason"] for c in bree["closures"]] == ["market"]
    assert bree["zone"] == "leiden-centrum" and bree["municipality"] == "leiden"


def test_bays_and_zones_come_as_geojson(owner, centre):
    leiden, _gouda, _bays = centre
    leiden.boundary = {"type": "Polygon", "coordinates": [[[4.47, 52.16], [4.50, 52.16],
                                                           [4.50, 52.15], [4.47, 52.16]]]}
    leiden.save()
    bays = owner.get("/api/v1/bays/geojson/", {"municipality": "leiden"}).json()
    assert bays["type"] == "FeatureCollection"
    assert bays["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.492, 52.158]}
    assert bays["features"][0]["properties"]["code"] == "L-BREE"
    zones = owner.get("/api/v1/zones/geojson/", {"municipality": "leiden"}).json()
    assert [f["geometry"]["type"] for f in zones["features"]] == ["Polygon"]


def test_zones_are_filtered_by_municipality(owner, centre):
    response = owner.get("/api/v1/zones/", {"municipality": "gouda"})
    assert [z["slug"] for z in response.json()["results"]] == ["gouda-binnenstad"]
    assert len(response.json()["results"][0]["windows"]) == 14


@pytest.mark.parametrize("url", ["/api/v1/bays/", "/api/v1/zones/", "/api/v1/bays/geojson/"])
def test_places_are_readable_by_any_organisation_but_not_anonymously(owner, stranger, colleague,
                                                                    anonymous, centre, url):
    for client in (owner, stranger, colleague):
        assert client.get(url).status_code == 200
    assert anonymous.get(url).status_code in (401, 403)


def test_a_zone_lists_its_windows_in_force_and_ahead_with_their_dates(owner, centre):
    leiden, _gouda, _bays = centre
    today = dt.date.today()
    TimeWindow.objects.filter(zone=leiden).update(valid_until=today + dt.timedelta(days=30))
    TimeWindow.objects.create(zone=leiden, weekday=0, start=dt.time(6), end=dt.time(9),
                              valid_from=today + dt.timedelta(days=30))
    TimeWindow.objects.create(zone=leiden, weekday=0, start=dt.time(4), end=dt.time(5),
                              valid_until=today)  # ended: left out
    windows = owner.get(f"/api/v1/zones/{leiden.pk}/").json()["windows"]
    assert len(windows) == 15
    ahead = [w for w in windows if w["valid_from"]]
    assert ahead == [{"weekday": 0, "start": "06:00", "end": "09:00",
                      "zero_emission_only": False,
                      "valid_from": (today + dt.timedelta(days=30)).isoformat(),
                      "valid_until": None}]
    assert {w["valid_until"] for w in windows if not w["valid_from"]} == {
        (today + dt.timedelta(days=30)).isoformat()}
