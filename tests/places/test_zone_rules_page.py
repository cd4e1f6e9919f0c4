"""The public rules page of a zone: anyone, no sign-in, Dutch and English, rate-limited."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from places.models import TimeWindow, VehicleLimit
from tests.conftest import FRIDAY
from tests.factories import BayFactory, ZoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
NEXT_YEAR = dt.date(2027, 1, 1)
SQUARE = {"type": "Polygon", "coordinates": [[[4.48, 52.15], [4.50, 52.15], [4.50, 52.17],
                                              [4.48, 52.17], [4.48, 52.15]]]}


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def zone():
    zone = ZoneFactory(slug="leiden-centrum", name="Centrum", boundary=SQUARE)
    TimeWindow.objects.filter(zone=zone).update(valid_until=NEXT_YEAR)
    TimeWindow.objects.create(zone=zone, weekday=0, start=dt.time(5, 30), end=dt.time(9, 15),
                              valid_from=NEXT_YEAR)
    TimeWindow.objects.create(zone=zone, weekday=0, start=dt.time(4), end=dt.time(5),
                              valid_until=FRIDAY)  # ended: not shown
    VehicleLimit.objects.create(zone=zone, max_vehicle_length_m=Decimal("7.50"),
                                max_vehicle_weight_kg=7500, valid_from=FRIDAY)
    BayFactory(zone=zone, code="LEI-001", street="Breestraat")
    BayFactory(zone=zone, code="LEI-OFF", is_active=False)
    return zone


def url(zone):
    return reverse("places:zone_rules", args=[zone.slug])


def test_anyone_sees_the_rules_in_english(client, zone):
    page = client.get(url(zone), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Loading rules: Centrum" in html
    assert "07:00–11:00" in html and "11:00–18:00" in html  # in force now
    assert "Windows from 1 January 2027" in html and "05:30–09:15" in html  # ahead
    assert "04:00–05:00" not in html
    assert "LEI-001" in html and "LEI-OFF" not in html
    assert "vehicles up to 7.50 m and 7500 kg" in html  # the dated limit in force today
    assert "<td>7.50 m</td>" in html
    assert "1 January 2030" in html and "exemption" in html
    assert 'name="viewport"' in html
    data = json.loads(re.search(r'id="map-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["boundary"]["type"] == "Polygon"
    assert [b["code"] for b in data["bays"]] == ["LEI-001"]


def test_anyone_sees_the_rules_in_dutch(client, zone):
    html = client.get(url(zone), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="nl"' in html
    assert "Laadregels: Centrum" in html
    assert "Venstertijden vanaf 1 januari 2027" in html
    assert "ontheffing" in html and "maandag" in html.lower()


def test_the_zone_is_found_by_number_too_and_an_unknown_one_is_404(client, zone):
    by_number = client.get(reverse("places:zone_rules", args=[str(zone.pk)]))
    assert by_number.status_code == 200
    assert client.get(reverse("places:zone_rules", args=["no-such-zone"])).status_code == 404
    assert client.get(reverse("places:zone_rules", args=["9" * 30])).status_code == 404


def test_only_reading_is_allowed(client, zone):
    assert client.post(url(zone)).status_code == 405


def test_a_zone_that_is_not_zero_emission_says_so(client):
    zone = ZoneFactory(zero_emission_zone=False)
    html = client.get(url(zone), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a zero-emission zone" in html and "1 January 2030" not in html


@override_settings(PUBLIC_PAGE_RATE=3)
def test_one_address_is_limited_and_told_when_to_retry(client, zone):
    for _ in range(3):
        assert client.get(url(zone)).status_code == 200
    refused = client.get(url(zone))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    other = client.get(url(zone), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
