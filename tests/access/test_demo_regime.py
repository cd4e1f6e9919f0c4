"""The demo holds vans and trucks of every class, so that every basis of the decision shows."""

import datetime as dt

import pytest

from access.services import Basis, zero_emission_access
from places import demo
from places.models import Zone
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fleet_shows_every_basis_in_gouda():
    gouda = ZoneFactory(slug="gouda-centrum")
    leiden = ZoneFactory(slug="leiden-centrum")
    today = dt.date(2026, 3, 27)
    demo._zero_emission_dates(today)
    org = demo._regime_fleet()
    gouda.refresh_from_db()
    leiden.refresh_from_db()
    assert (gouda.zero_emission_from, gouda.zero_emission_enforced_from) == (
        dt.date(2025, 1, 1), dt.date(2025, 7, 1))
    assert leiden.zero_emission_from == dt.date(2027, 1, 1)
    bases = {zero_emission_access(v.plate, gouda, today).basis for v in org.vehicles.all()}
    refused = {zero_emission_access(v.plate, gouda, today).code for v in org.vehicles.all()}
    assert {Basis.ZERO_EMISSION, Basis.TRANSITIONAL, Basis.NOT_SUBJECT, None} <= bases
    assert {"van_emission_class_too_low", "registered_from_2025_not_zero_emission",
            "truck_not_in_transition"} <= refused
    assert org.vehicles.count() == len(demo.REGIME_FLEET)
    demo._regime_fleet()  # loading twice adds nothing
    assert org.vehicles.count() == len(demo.REGIME_FLEET)
    assert Zone.objects.filter(zero_emission_from__isnull=True).count() == 0
