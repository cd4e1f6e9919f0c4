"""Planning a collector's day: feasible routes, kerb bookings, applied once, the bundling report."""

import datetime as dt

import pytest

from bookings.models import Booking
from hubs.models import DisposalSite, PickupRequest, PlanningRun, RouteStop
from hubs.services import planning
from hubs.services.bundling import bundling_report
from solvers.routing import haversine_m
from tests.conftest import FRIDAY, at
from tests.factories import OrganisationFactory

from .helpers import collectors_day, pickup, shop

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)
DETOUR = 1.3
KERB_BOOKINGS = 2  # shop A's two streams share one


def run_once(collector, day=SATURDAY):
    run = planning.planning_run_start(collector=collector, day=day, time_limit_seconds=2)
    planning.planning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def road(a, b):
    return round(haversine_m(a.latitude, a.longitude, b.latitude, b.longitude) * DETOUR)


def test_a_day_is_planned_into_one_round_with_kerb_bookings_inside_the_windows(frozen_now):
    cv, _bays, pickups = collectors_day(SATURDAY)
    run = run_once(cv.organisation)
    assert run.status == PlanningRun.Status.APPLIED
    assert (run.vehicles_used, run.planned_count, run.conflicts_count) == (1, 3, 0)
    for request in PickupRequest.objects.filter(pk__in=[p.pk for p in pickups]):
        assert request.status == PickupRequest.Status.PLANNED
        assert request.collector == cv.organisation
        window_start = at(SATURDAY, request.window_start.strftime("%H:%M"))
        window_end = at(SATURDAY, request.window_end.strftime("%H:%M"))
        assert window_start <= request.planned_start < request.planned_end <= window_end
    stops = RouteStop.objects.filter(kind=RouteStop.Kind.PICKUP)
    assert stops.count() == 3 and all(stop.booking_id for stop in stops)
    # Shop A's two streams are collected back to back at one bay, on one kerb booking.
    bookings = Booking.objects.filter(channel=Booking.Channel.OPTIMISER)
    assert bookings.count() == KERB_BOOKINGS
    assert {b.vehicle_id for b in bookings} == {cv.vehicle_id}
    assert all(b.status == Booking.Status.CONFIRMED for b in bookings)
    for stop in stops:
        assert stop.booking.start <= stop.start < stop.end <= stop.booking.end


def test_running_the_same_run_twice_applies_it_once(frozen_now):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    run = run_once(cv.organisation)
    planned = list(PickupRequest.objects.values_list("pk", "planned_start").order_by("pk"))
    assert planning.planning_run_execute(run_id=run.pk) == PlanningRun.Status.APPLIED
    assert Booking.objects.occupying().count() == KERB_BOOKINGS
    assert list(PickupRequest.objects.values_list("pk", "planned_start").order_by("pk")) == planned


def test_a_new_run_of_the_same_day_replaces_the_old_plan_without_double_bookings(frozen_now):
    cv, _bays, _pickups = collectors_day(SATURDAY)
    first = run_once(cv.organisation)
    second = run_once(cv.organisation)
    first.refresh_from_db()
    assert (first.status, second.status) == (PlanningRun.Status.SUPERSEDED,
                                             PlanningRun.Status.APPLIED)
    assert Booking.objects.occupying().count() == KERB_BOOKINGS
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).count() == KERB_BOOKINGS


def test_a_full_vehicle_empties_at_a_disposal_site_and_goes_on(frozen_now):
    cv, (bay_a, bay_b), _ = collectors_day(SATURDAY, capacities={"residual": 300,
                                                                  "paper_cardboard": 300})
    site = DisposalSite.objects.create(name="Milieustraat", latitude=52.14, longitude=4.52)
    run = run_once(cv.organisation)
    assert run.planned_count == 3
    route = run.routes.get()
    # 480 litres of residual in a 300-litre compartment: at least one visit to the site
    # between the two residual pickups (the site lies on the way home, so maybe one more).
    disposals = route.stops.filter(kind=RouteStop.Kind.DISPOSAL, disposal_site=site).count()
    assert disposals >= 1
    assert route.trips == disposals + 1
    for stop in route.stops.all():
        assert all(litres <= 300 for litres in stop.load.values())


def test_a_pickup_nobody_can_carry_is_marked_unplanned(frozen_now):
    cv, (bay_a, _), _ = collectors_day(SATURDAY, capacities={"residual": 1000})
    glass = pickup(shop("Wijnkoperij", bay_a), bay_a, SATURDAY, "glass")
    run = run_once(cv.organisation)
    glass.refresh_from_db()
    assert glass.status == PickupRequest.Status.UNPLANNED
    assert run.planned_count == 2  # the paper pickup has no compartment either


def test_bundling_report_counts_trips_and_kilometres_against_the_unbundled_baseline(frozen_now):
    cv, (bay_a, bay_b), _ = collectors_day(SATURDAY)
    run_once(cv.organisation)
    hub = cv.depot
    report = bundling_report(day=SATURDAY)
    # Planned: one round hub -> A (two streams at one bay) -> B -> hub, in either order.
    assert (report.vehicles, report.trips, report.stops) == (1, 1, 3)
    assert report.km == round((road(hub, bay_a) + road(bay_a, bay_b) + road(bay_b, hub)) / 1000, 3)
    # Unbundled: shop A's residual, shop A's paper, shop B's residual, each its own trip.
    assert report.baseline_trips == 3
    round_trip_a = road(hub, bay_a) + road(bay_a, hub)
    round_trip_b = road(hub, bay_b) + road(bay_b, hub)
    assert report.baseline_km == round((2 * round_trip_a + round_trip_b) / 1000, 3)
    assert report.trips_saved_pct == pytest.approx(66.7)
    assert 60 < report.km_saved_pct < 70


def test_one_round_delivers_goods_from_the_hub_and_takes_waste_back(frozen_now):
    from decimal import Decimal

    from hubs.services import chain_create

    cv, (bay_a, _bay_b), _ = collectors_day(SATURDAY)
    # The collector books the chain itself: a last mile is booked on one's own behalf only.
    chain = chain_create(
        hub=cv.depot, organisation=cv.organisation, inbound_start=at(SATURDAY, "07:00"),
        inbound_end=at(SATURDAY, "07:30"), vehicle_length_m=Decimal("12"), delivery_bay=bay_a,
        delivery_start=at(SATURDAY, "10:00"), delivery_end=at(SATURDAY, "10:15"),
        delivery_vehicle_length_m=Decimal("4"),
        delivery_vehicle_mass_kg=3500, last_mile_operator=cv.organisation,
        goods_litres=600,
    )
    run = run_once(cv.organisation)
    route = run.routes.get()
    kinds = [stop.kind for stop in route.stops.all()]
    assert kinds.count(RouteStop.Kind.DELIVERY) == 1 and kinds.count(RouteStop.Kind.PICKUP) == 3
    delivery = route.stops.get(kind=RouteStop.Kind.DELIVERY)
    assert delivery.load["goods"] == 0  # the goods left the vehicle there
    assert route.stops.first().load["goods"] == 600  # and were on board from the hub
    chain.delivery.refresh_from_db()
    assert chain.delivery.status == Booking.Status.CONFIRMED
    assert chain.delivery.start == delivery.start  # the kerb booking moved to the plan
    assert chain.delivery.start >= at(SATURDAY, "08:00")  # after the 30 min handling


def test_the_cut_off_starts_tomorrows_run_once_per_collector(frozen_now):
    import time_machine

    cv, _bays, _pickups = collectors_day(SATURDAY)
    assert planning.planning_runs_start_due() == []  # 06:00, before the 16:00 cut-off
    with time_machine.travel(at(FRIDAY, "16:05"), tick=False):
        started = planning.planning_runs_start_due()
        assert [(r.collector, r.day, r.trigger) for r in started] == [
            (cv.organisation, SATURDAY, PlanningRun.Trigger.SCHEDULE)]
        assert planning.planning_runs_start_due() == []


def test_the_admin_action_starts_a_run_for_the_selected_pickups_day(frozen_now, admin_client):
    cv, _bays, pickups = collectors_day(SATURDAY)
    response = admin_client.post("/admin/hubs/pickuprequest/", {
        "action": "plan_days_now", "_selected_action": [p.pk for p in pickups]})
    assert response.status_code == 302
    run = PlanningRun.objects.get()
    assert (run.collector, run.day, run.trigger) == (cv.organisation, SATURDAY,
                                                     PlanningRun.Trigger.MANUAL)


def test_a_collector_without_vehicles_gets_a_failed_run_that_says_why(frozen_now):
    collectors_day(SATURDAY)
    run = run_once(OrganisationFactory(kind="waste_collector"))
    assert run.status == PlanningRun.Status.FAILED
    assert "no active vehicles" in run.error
    assert not PickupRequest.objects.exclude(status=PickupRequest.Status.PENDING).exists()


def test_a_vehicle_that_is_not_zero_emission_is_kept_out_of_the_zone(frozen_now):
    cv, _bays, pickups = collectors_day(SATURDAY)
    cv.vehicle.zero_emission = False
    cv.vehicle.save(update_fields=["zero_emission"])
    run = run_once(cv.organisation)
    assert run.planned_count == 0
    assert set(PickupRequest.objects.values_list("status", flat=True)) == {
        PickupRequest.Status.UNPLANNED}
