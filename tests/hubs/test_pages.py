"""The printable run sheet and the bundling report page."""

import datetime as dt

import pytest
from django.test import Client

from hubs.models import PlannedRoute
from tests.conftest import FRIDAY
from tests.factories import MembershipFactory, OrganisationFactory

from .helpers import collectors_day
from .test_planning import run_once

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)


def signed_in(organisation):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation).user)
    return client


def test_the_collector_prints_its_run_sheet_with_a_map_and_others_may_not(frozen_now):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)
    route = PlannedRoute.objects.get()
    page = signed_in(cv.organisation).get(f"/hubs/routes/{route.pk}/sheet/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<polyline" in html
    assert html.count("<circle") == route.stops.count()
    assert "Kaashandel" in html
    other = signed_in(OrganisationFactory(kind="waste_collector"))
    assert other.get(f"/hubs/routes/{route.pk}/sheet/").status_code == 403


def test_a_municipality_reads_the_bundling_report_and_a_shop_may_not(frozen_now):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)
    page = signed_in(OrganisationFactory(kind="municipality")).get(
        "/hubs/bundling-report/", {"day": SATURDAY.isoformat()})
    assert page.status_code == 200
    assert page.context["report"].baseline_trips == 3
    shop = signed_in(OrganisationFactory(kind="shop"))
    assert shop.get("/hubs/bundling-report/").status_code == 403


def test_in_dutch_the_run_sheet_map_has_its_stop_markers(frozen_now):
    from tests.markup_numbers import localised_numbers_in_html

    cv, _bays, _pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)
    route = PlannedRoute.objects.get()
    client = signed_in(cv.organisation)
    client.cookies["django_language"] = "nl"
    html = client.get(f"/hubs/routes/{route.pk}/sheet/").content.decode()
    assert 'lang="nl"' in html and html.count("<circle") == route.stops.count()
    assert localised_numbers_in_html(html) == []
