"""A bay that closes under a collector's plan: its stops move to the nearest open bay of the
zone, or are flagged on the run sheet when no bay can take them; waiting pickups follow."""

import datetime as dt

import pytest

from bookings.affected import closure_save
from bookings.models import Booking
from hubs.models import PickupRequest, PlannedRoute, RouteStop
from places.models import Closure
from tests.conftest import FRIDAY
from tests.factories import BayFactory, OrganisationFactory

from .helpers import collectors_day, pickup
from .test_pages import signed_in
from .test_planning import run_once

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)


def close(**where):
    return closure_save(Closure(**where, reason="roadworks", start_date=SATURDAY,
                                end_date=SATURDAY))


def test_stops_at_a_closing_bay_move_to_the_nearest_open_bay_of_the_zone(frozen_now):
    cv, (bay_a, bay_b), pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)
    at_a = list(RouteStop.objects.filter(bay=bay_a, kind=RouteStop.Kind.PICKUP))
    assert len(at_a) == 2
    held = {stop.pk: (stop.booking.start, stop.booking.end) for stop in at_a}

    notifications = close(bay=bay_a)

    for stop in RouteStop.objects.filter(pk__in=held):
        assert stop.bay_id == bay_b.pk and stop.flagged_reason == ""
        booking = Booking.objects.get(pk=stop.booking_id)
        assert booking.bay_id == bay_b.pk and (booking.start, booking.end) == held[stop.pk]
        assert not booking.is_affected  # moved before the closure was announced
    assert set(PickupRequest.objects.filter(pk__in=[p.pk for p in pickups[:2]])
               .values_list("bay_id", flat=True)) == {bay_b.pk}
    assert notifications == []  # the collector's booking was moved, so nobody was hit


def test_stops_no_open_bay_can_take_are_flagged_on_the_run_sheet(frozen_now):
    cv, (bay_a, _bay_b), pickups = collectors_day(SATURDAY)
    run_once(cv.organisation)

    close(zone=bay_a.zone)

    stops = RouteStop.objects.filter(kind=RouteStop.Kind.PICKUP)
    assert stops.count() == 3
    assert set(stops.values_list("flagged_reason", flat=True)) == {"bay_closed"}
    assert set(PickupRequest.objects.values_list("flagged_reason", flat=True)) == {"bay_closed"}
    # the collector's kerb bookings are marked and the collector is told
    bookings = Booking.objects.filter(pk__in=stops.values("booking_id"))
    assert {b.affected_reason for b in bookings} == {"bay_closed"}
    route = PlannedRoute.objects.get()
    page = signed_in(cv.organisation).get(f"/hubs/routes/{route.pk}/sheet/")
    html = page.content.decode()
    assert page.context["flagged"] == 3
    assert html.count('class="flagged"') == 3


def test_a_waiting_pickup_at_a_closing_bay_is_pointed_to_the_nearest_open_bay(frozen_now):
    cv, (bay_a, bay_b), _pickups = collectors_day(SATURDAY)
    shop = OrganisationFactory(kind="shop")
    waiting = pickup(shop, bay_a, SATURDAY, "glass")
    elsewhere = BayFactory(zone=BayFactory(code="OTHER-ZONE").zone)
    far = pickup(shop, elsewhere, SATURDAY, "glass")

    close(bay=bay_a)

    waiting.refresh_from_db()
    far.refresh_from_db()
    assert (waiting.bay_id, waiting.flagged_reason) == (bay_b.pk, "")
    assert (far.bay_id, far.flagged_reason) == (elsewhere.pk, "")

    close(bay=bay_b)
    waiting.refresh_from_db()
    assert waiting.bay_id == bay_b.pk and waiting.flagged_reason == "bay_closed"
