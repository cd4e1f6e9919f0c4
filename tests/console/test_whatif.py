import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingRequest
from bookings.services import new_reference
from console.services import WindowSpec
from console.whatif import replay
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory, ZoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

THURSDAY = FRIDAY - dt.timedelta(days=1)


def past_booking(bay, organisation, start, end, *, clean=False, status="completed"):
    return Booking.objects.create(
        reference=new_reference(), bay=bay, organisation=organisation, vehicle_length_m=6,
        zero_emission=clean, start=at(THURSDAY, start), end=at(THURSDAY, end), status=status,
        channel="api")


def past_request(organisation, zone, bays, earliest, latest, *, clean, booking=None):
    request = BookingRequest.objects.create(
        reference=new_reference(), zone=zone, organisation=organisation,
        vehicle_length_m=Decimal("6"), zero_emission=clean, day=THURSDAY,
        earliest_start=at(THURSDAY, earliest), latest_end=at(THURSDAY, latest),
        preferred_start=at(THURSDAY, earliest), duration_minutes=30, channel="api",
        status="allocated" if booking else "refused", booking=booking)
    request.bays.set(bays)
    return request


@pytest.fixture
def week():
    """Thursday in a zone open to all 07-11 and to zero-emission vehicles 11-18.

    Bays A and B each hold one vehicle. Alfa and Beta booked directly; Gamma asked twice.
    """
    zone = ZoneFactory()
    a = BayFactory(zone=zone, code="A", max_vehicles=1)
    b = BayFactory(zone=zone, code="B", max_vehicles=1)
    alfa, beta, gamma = (OrganisationFactory(name=n) for n in ("Alfa", "Beta", "Gamma"))
    past_booking(a, alfa, "08:00", "08:30")                   # b1
    past_booking(a, alfa, "09:30", "10:00")                   # b2
    past_booking(b, beta, "10:00", "10:30", clean=True)       # b4
    past_booking(b, beta, "10:30", "11:00")                   # b3
    past_booking(a, alfa, "07:30", "08:00", status="cancelled")
    past_request(gamma, zone, [a], "09:00", "12:00", clean=True)                 # r1, refused
    allocated = past_booking(a, gamma, "07:00", "07:30")
    past_request(gamma, zone, [a], "07:00", "08:00", clean=False, booking=allocated)  # r2
    return zone


def narrower_windows():
    """Open to all only 07-09, zero-emission only 09-18, every day."""
    return [spec for day in range(7) for spec in (
        WindowSpec(day, dt.time(7), dt.time(9), False),
        WindowSpec(day, dt.time(9), dt.time(18), True))]


def counts(table):
    return {name: dict(counter) for name, counter in table.items()}


def test_narrower_windows_keep_move_refuse_and_newly_allow_as_counted_by_hand(week):
    report = replay(zone=week, weeks=1, today=FRIDAY, zone_windows=narrower_windows())
    assert dict(report.totals) == {"kept": 3, "moved": 1, "refused": 1, "newly_possible": 1}
    assert counts(report.per_bay) == {
        "A": {"kept": 2, "moved": 1, "newly_possible": 1},
        "B": {"kept": 1, "refused": 1},
    }
    assert counts(report.per_carrier) == {
        "Alfa": {"kept": 1, "moved": 1},
        "Beta": {"kept": 1, "refused": 1},
        "Gamma": {"kept": 1, "newly_possible": 1},
    }
    moved = next(o for o in report.outcomes if o.result == "moved")
    assert (moved.bay_id, moved.start) == (moved.stay.bay_id, 8 * 60 + 30)


def test_closing_a_bay_moves_its_bookings_to_the_other_bay(week):
    b = week.bays.get(code="B")
    closure = Closure(bay=b, reason="market", start_date=THURSDAY, end_date=THURSDAY)
    report = replay(zone=week, weeks=1, today=FRIDAY, closures=[closure])
    assert dict(report.totals) == {"kept": 3, "moved": 2, "newly_possible": 1}
    assert counts(report.per_bay)["B"] == {"moved": 2}
    assert {o.bay_id for o in report.outcomes if o.result == "moved"} == {
        week.bays.get(code="A").pk}


def test_unchanged_rules_keep_every_booking(week):
    report = replay(zone=week, weeks=1, today=FRIDAY)
    assert report.totals["kept"] == 5 and report.totals["refused"] == 0


def test_the_what_if_page_shows_the_replay(client, week):
    from tests.console.conftest import municipal_admin

    client.force_login(municipal_admin("beheer", week.municipality))
    url = reverse("console:whatif", args=[week.pk])
    form = client.get(url).context["formset"]
    data = {"weeks": 1, "w-TOTAL_FORMS": 14, "w-INITIAL_FORMS": 0}
    for index, spec in enumerate(narrower_windows()):
        data.update({f"w-{index}-weekday": spec.weekday, f"w-{index}-start": f"{spec.start:%H:%M}",
                     f"w-{index}-end": f"{spec.end:%H:%M}"})
        if spec.zero_emission_only:
            data[f"w-{index}-zero_emission_only"] = "on"
    assert len(form.initial) == 14  # prefilled with the zone's windows now
    page = client.post(url, data)
    assert page.status_code == 200
    assert dict(page.context["report"].totals)["refused"] == 1


def test_the_window_editor_can_send_its_windows_to_the_replay(client, week):
    from tests.console.conftest import municipal_admin

    client.force_login(municipal_admin("beheer", week.municipality))
    editor = client.get(reverse("console:zone_windows", args=[week.pk])).content.decode()
    assert reverse("console:whatif", args=[week.pk]) in editor


def test_a_bay_of_its_own_windows_is_replayed_through_the_page(client, week):
    from tests.console.conftest import municipal_admin

    client.force_login(municipal_admin("beheer", week.municipality))
    b = week.bays.get(code="B")
    url = reverse("console:whatif", args=[week.pk]) + f"?bay={b.pk}"
    # Bay B opens on Thursdays to zero-emission vehicles only: Beta's van at 10:30 moves to A.
    data = {"weeks": 1, "w-TOTAL_FORMS": 1, "w-INITIAL_FORMS": 0, "w-0-weekday": 3,
            "w-0-start": "07:00", "w-0-end": "18:00", "w-0-zero_emission_only": "on"}
    report = client.post(url, data).context["report"]
    assert dict(report.per_bay["B"]) == {"kept": 1, "moved": 1}



def test_the_whatif_page_replays_as_shown(client, week):
    from tests.console.conftest import municipal_admin
    from tests.html_forms import form_with

    client.force_login(municipal_admin("beheer", week.municipality))
    url = reverse("console:whatif", args=[week.pk])
    data = form_with(client.get(url).content.decode(), "w-TOTAL_FORMS")
    page = client.post(url, data)
    assert page.status_code == 200
    assert page.context["formset"].errors == [{}] * len(page.context["formset"].forms)
    assert page.context["report"] is not None
