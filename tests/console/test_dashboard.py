import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.models import AllocationRun, Booking, BookingRequest
from bookings.services import new_reference
from console.dashboard import dashboard
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

WEDNESDAY, THURSDAY = FRIDAY - dt.timedelta(days=2), FRIDAY - dt.timedelta(days=1)


def past(bay, day, start, end, status="completed", clean=False):
    return Booking.objects.create(
        reference=new_reference(), bay=bay, organisation=OrganisationFactory(),
        vehicle_length_m=6, zero_emission=clean, start=at(day, start), end=at(day, end),
        status=status, channel="portal")


def refused(zone, reason, status="refused"):
    return BookingRequest.objects.create(
        reference=new_reference(), zone=zone, organisation=OrganisationFactory(),
        vehicle_length_m=6, zero_emission=False, day=THURSDAY,
        earliest_start=at(THURSDAY, "08:00"), latest_end=at(THURSDAY, "10:00"),
        preferred_start=at(THURSDAY, "08:00"), duration_minutes=30, channel="api",
        status=status, refusal_reason=reason)


@pytest.fixture
def two_days(leiden, gouda):
    """Wednesday and Thursday in Leiden, counted by hand in the tests below."""
    a = BayFactory(zone=leiden.zone, code="A", max_vehicles=1)
    b = BayFactory(zone=leiden.zone, code="B", max_vehicles=2)
    past(a, WEDNESDAY, "08:00", "08:30")
    past(a, WEDNESDAY, "08:30", "09:00", status="no_show", clean=True)
    past(a, THURSDAY, "08:15", "09:15", clean=True)
    past(b, THURSDAY, "08:00", "08:30", clean=True)
    past(b, THURSDAY, "10:00", "10:30", status="cancelled")
    past(gouda.bay, THURSDAY, "08:00", "09:00")  # another town: never counted for Leiden
    refused(leiden.zone, "bay_full")
    refused(leiden.zone, "bay_full")
    refused(leiden.zone, "")
    refused(leiden.zone, "", status="allocated")
    AllocationRun.objects.create(zone=leiden.zone, day=THURSDAY, status="applied",
                                 trigger="schedule", objective=120, fcfs_objective=100,
                                 requests_count=6, served_count=5, fcfs_served_count=4)
    return leiden


def leiden_dashboard(town):
    return dashboard(municipality=town.municipality, start_day=WEDNESDAY, end_day=THURSDAY)


def test_bookings_per_day_and_the_shares_match_a_hand_count(two_days):
    data = leiden_dashboard(two_days)
    assert data.tables["bookings_per_day"].rows == [
        [WEDNESDAY.isoformat(), 2, 1, 1, 0],
        [THURSDAY.isoformat(), 2, 2, 0, 1],
    ]
    assert data.summary == {"bookings": 4, "cancelled": 1, "zero_emission": 3,
                            "zero_emission_share": 75.0, "no_shows": 1, "no_show_share": 25.0}


def test_utilisation_is_booked_vehicle_minutes_over_what_the_bay_holds(two_days):
    rows = {row[0]: row[1:] for row in leiden_dashboard(two_days).tables["utilisation"].rows}
    hour = {h: i for i, h in enumerate(range(6, 22))}
    # A: Wednesday 30 min + Thursday 45 min in the 8 o'clock hour, of 2 days x 60 min x 1 vehicle.
    assert rows["A"][hour[8]] == 62.5 and rows["A"][hour[9]] == 12.5
    # B holds two: 30 of 2 x 60 x 2 minutes; the cancelled booking at 10 counts for nothing.
    assert rows["B"][hour[8]] == 12.5 and rows["B"][hour[10]] == 0
    assert sum(rows["A"]) == 75.0
    assert "GO-001" not in rows


def test_refused_requests_are_counted_by_reason(two_days):
    with translation.override("en"):
        tables = leiden_dashboard(two_days).tables
    assert tables["refusals"].rows == [["bay_full", 2], ["no reason recorded", 1]]
    status = BookingRequest.Status
    with translation.override("en"):
        assert dict(tables["requests"].rows) == {
            str(status.PENDING.label): 0, str(status.ALLOCATED.label): 1,
            str(status.REFUSED.label): 3, str(status.WITHDRAWN.label): 0}


def test_allocation_runs_show_their_gain_over_first_come_first_served(two_days):
    [row] = leiden_dashboard(two_days).tables["allocation_runs"].rows
    assert row[3:] == [6, 5, 4, 1, 120, 100, 20.0]


def test_the_dashboard_page_draws_a_chart_and_exports_each_table_as_csv(client, two_days):
    client.force_login(two_days.admin)
    period = {"start": WEDNESDAY.isoformat(), "end": THURSDAY.isoformat(), "zone": ""}
    page = client.get(reverse("console:dashboard"), period)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "rgb(" in html
    assert "bundling" in html  # the note until the hubs app reports savings
    export = client.get(reverse("console:dashboard"), {**period, "export": "bookings_per_day"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[1:] == [[WEDNESDAY.isoformat(), "2", "1", "1", "0"],
                        [THURSDAY.isoformat(), "2", "2", "0", "1"]]
    for table in ("utilisation", "requests", "refusals", "allocation_runs"):
        assert client.get(reverse("console:dashboard"),
                          {**period, "export": table}).status_code == 200


def test_a_gouda_admin_sees_gouda_numbers_only(client, two_days, gouda):
    client.force_login(gouda.admin)
    page = client.get(reverse("console:dashboard"),
                      {"start": WEDNESDAY.isoformat(), "end": THURSDAY.isoformat()})
    assert page.context["data"].summary["bookings"] == 1
    assert page.context["data"].tables["allocation_runs"].rows == []


def test_the_dashboard_csv_quotes_a_bay_code_that_looks_like_a_formula(client, two_days):
    BayFactory(zone=two_days.zone, code="=1+2")
    client.force_login(two_days.admin)
    period = {"start": WEDNESDAY.isoformat(), "end": THURSDAY.isoformat(), "zone": ""}
    export = client.get(reverse("console:dashboard"), {**period, "export": "utilisation"})
    codes = [row[0] for row in csv.reader(io.StringIO(export.content.decode()))]
    assert "'=1+2" in codes and "=1+2" not in codes


def test_in_dutch_the_chart_and_every_csv_export_keep_decimal_points(client, two_days):
    from tests.markup_numbers import localised_numbers_in_csv, localised_numbers_in_html

    client.force_login(two_days.admin)
    client.cookies["django_language"] = "nl"
    period = {"start": WEDNESDAY.isoformat(), "end": THURSDAY.isoformat(), "zone": ""}
    page = client.get(reverse("console:dashboard"), period).content.decode()
    assert 'lang="nl"' in page and "<svg" in page
    assert localised_numbers_in_html(page) == []
    exports = {table: client.get(reverse("console:dashboard"), {**period, "export": table})
               for table in ("bookings_per_day", "utilisation", "requests", "refusals",
                             "allocation_runs")}
    assert "20.0" in exports["allocation_runs"].content.decode()  # a fraction, as written
    assert {table: localised_numbers_in_csv(export.content.decode())
            for table, export in exports.items()} == dict.fromkeys(exports, [])
    bays = client.get(reverse("console:bays_export", args=["csv"])).content.decode()
    assert localised_numbers_in_csv(bays) == []
