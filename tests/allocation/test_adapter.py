"""The adapter turns a zone's day into a correct instance and applies a plan exactly once."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import allocation
from bookings.allocation import apply_plan, build_instance
from bookings.models import AllocationRun, Booking, BookingRequest, Quota
from bookings.services import booking_create
from notifications.models import Notification
from places.models import Closure
from solvers import allocation as solver
from tests.conftest import FRIDAY
from tests.factories import OrganisationFactory

from .helpers import a_request, a_vehicle, a_zone_with_bays, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


def run_for(zone, day=SATURDAY):
    return allocation.allocation_run_start(zone=zone, day=day,
                                           trigger=AllocationRun.Trigger.COMMAND, enqueue=False)


def execute(run, time_limit=2):
    allocation.allocation_run_execute(run_id=run.pk, task_id="test", time_limit=time_limit,
                                      workers=1)
    run.refresh_from_db()
    return run


def test_open_intervals_follow_windows_zero_emission_hours_and_closures():
    zone, (bay,) = a_zone_with_bays(1)
    Closure.objects.create(bay=bay, start_date=SATURDAY, end_date=SATURDAY,
                           start_time=dt.time(9), end_time=dt.time(10), reason="roadworks")
    built = build_instance(zone=zone, day=SATURDAY)
    assert built.instance["bays"][0]["open"] == [
        {"start": 420, "end": 540, "zero_emission_only": False},
        {"start": 600, "end": 660, "zero_emission_only": False},
        {"start": 660, "end": 1080, "zero_emission_only": True},
    ]


def test_an_existing_booking_is_pinned_in_its_place_and_worth_more_than_all_requests():
    zone, (bay,) = a_zone_with_bays(1)
    van = a_vehicle()
    booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                   start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:45"))
    a_request(zone, [bay], SATURDAY, weight=3)
    built = build_instance(zone=zone, day=SATURDAY)
    pinned = [r for r in built.instance["requests"] if r["id"].startswith("booked-")]
    assert len(pinned) == 1
    assert pinned[0]["earliest_start"] == pinned[0]["preferred_start"] == 480
    assert pinned[0]["latest_end"] - pinned[0]["earliest_start"] == pinned[0]["duration"] == 45
    assert pinned[0]["options"] == [{"bay": bay.code, "walk_m": 0}]
    assert pinned[0]["weight"] > 3
    assert pinned[0]["submitted_seq"] < built.instance["requests"][1]["submitted_seq"]


def test_a_pinned_booking_is_cut_to_the_open_minutes_of_its_bay():
    zone, (bay,) = a_zone_with_bays(1)
    van = a_vehicle()
    booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                   start=at(SATURDAY, "08:30"), end=at(SATURDAY, "09:30"))
    Closure.objects.create(bay=bay, start_date=SATURDAY, end_date=SATURDAY,
                           start_time=dt.time(9), end_time=dt.time(10), reason="market")
    pinned = build_instance(zone=zone, day=SATURDAY).instance["requests"]
    assert [(r["earliest_start"], r["latest_end"]) for r in pinned] == [(510, 540)]


def test_the_zone_buffer_is_added_to_every_stay_the_solver_sees():
    zone, (bay,) = a_zone_with_bays(1)
    zone.buffer_minutes = 5
    zone.save()
    a_request(zone, [bay], SATURDAY, earliest="08:00", latest="09:00", duration=30)
    (entry,) = build_instance(zone=zone, day=SATURDAY).instance["requests"]
    assert entry["duration"] == 35 and entry["latest_end"] == 545


def test_a_long_vehicle_is_offered_only_the_bays_it_fits():
    zone, (short, long_) = a_zone_with_bays(2)
    short.max_vehicle_length_m = Decimal("7")
    short.save()
    a_request(zone, [short, long_], SATURDAY, length="9")
    (entry,) = build_instance(zone=zone, day=SATURDAY).instance["requests"]
    assert [o["bay"] for o in entry["options"]] == [long_.code]


def test_quotas_enter_the_instance_less_what_the_organisation_already_holds():
    zone, (bay,) = a_zone_with_bays(1)
    van = a_vehicle()
    Quota.objects.create(zone=zone, organisation=van.organisation, max_minutes_per_day=90)
    booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                   start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    a_request(zone, [bay], SATURDAY, organisation=van.organisation)
    quotas = build_instance(zone=zone, day=SATURDAY).instance["quotas"]
    assert quotas == {str(van.organisation.pk): 60}


def test_a_run_allocates_the_day_feasibly_and_records_its_figures():
    zone, bays = a_zone_with_bays(2, max_vehicles=1)
    requests = [a_request(zone, bays, SATURDAY, earliest="08:00", latest="10:00",
                          duration=30, weight=1 + i % 2) for i in range(10)]
    built = build_instance(zone=zone, day=SATURDAY)
    run = execute(run_for(zone))
    assert run.status == AllocationRun.Status.APPLIED, run.error
    assert run.requests_count == 10
    assert run.served_count == 8  # two bays, one vehicle each, four half hours
    assert run.objective >= run.fcfs_objective
    assert run.bound is None or run.bound >= run.objective
    stored = BookingRequest.objects.filter(pk__in=[r.pk for r in requests])
    statuses = {r.reference: r for r in stored}
    assert sum(r.status == "allocated" for r in statuses.values()) == 8
    plan = [{"request": r.reference, "bay": r.booking.bay.code,
             "start": int((r.booking.start - at(SATURDAY, "00:00")).total_seconds() // 60)}
            for r in statuses.values() if r.booking]
    assert solver.check(built.instance, {"assignments": plan}).feasible
    assert all(b.channel == Booking.Channel.OPTIMISER for b in Booking.objects.all())
    assert Booking.history.filter(history_type="+").count() == 8
    refused = [r for r in statuses.values() if r.status == "refused"]
    assert all(r.refusal_reason and r.allocation_run_id == run.pk for r in refused)
    assert Notification.objects.filter(kind="request.allocated").count() == 8
    assert Notification.objects.filter(kind="request.refused").count() == 2


def test_weight_wins_the_last_place():
    zone, (bay,) = a_zone_with_bays(1, max_vehicles=1)
    ordinary = a_request(zone, [bay], SATURDAY, earliest="08:00", latest="08:30", duration=30)
    fresh = a_request(zone, [bay], SATURDAY, earliest="08:00", latest="08:30", duration=30,
                      weight=3)
    execute(run_for(zone))
    ordinary.refresh_from_db()
    fresh.refresh_from_db()
    assert (fresh.status, ordinary.status) == ("allocated", "refused")


def test_a_plan_applied_twice_changes_nothing():
    zone, bays = a_zone_with_bays(2)
    for _ in range(4):
        a_request(zone, bays, SATURDAY)
    run = run_for(zone)
    claimed = allocation._claim(run.pk, "t1")
    assert claimed is not None
    _, attempt = claimed
    built = build_instance(zone=zone, day=SATURDAY)
    solution = solver.solve(built.instance, time_limit=2, workers=1)
    assert apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution)
    counts = (Booking.objects.count(), Notification.objects.count())
    assert apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution) is None
    assert (Booking.objects.count(), Notification.objects.count()) == counts == (4, 4)


def test_a_second_run_of_an_allocated_day_is_refused_and_books_nothing():
    zone, bays = a_zone_with_bays(1)
    a_request(zone, bays, SATURDAY)
    execute(run_for(zone))
    with pytest.raises(allocation.AlreadyAllocated):
        run_for(zone)
    # Even a run slipped past that check cannot apply: the database admits one.
    sneaky = AllocationRun.objects.create(zone=zone, day=SATURDAY, trigger="manual")
    a_request(zone, bays, SATURDAY)
    sneaky = execute(sneaky)
    assert sneaky.status == AllocationRun.Status.FAILED
    assert str(allocation.AlreadyAllocated.default_message) in sneaky.error
    assert Booking.objects.count() == 1


def test_an_older_attempt_may_not_apply_after_a_newer_one_claimed_the_run():
    zone, bays = a_zone_with_bays(1)
    a_request(zone, bays, SATURDAY)
    run = run_for(zone)
    _, first = allocation._claim(run.pk, "t1")
    AllocationRun.objects.filter(pk=run.pk).update(started_at=at(FRIDAY, "00:00"))
    _, second = allocation._claim(run.pk, "t2")  # the first looked dead: a new message
    built = build_instance(zone=zone, day=SATURDAY)
    solution = solver.solve(built.instance, time_limit=1, workers=1)
    assert apply_plan(run_id=run.pk, attempt=first, built=built, solution=solution) is None
    assert apply_plan(run_id=run.pk, attempt=second, built=built, solution=solution)
    assert Booking.objects.count() == 1


def test_a_duplicate_message_leaves_a_live_run_alone_and_a_redelivered_one_takes_over():
    zone, bays = a_zone_with_bays(1)
    run = run_for(zone)
    assert allocation._claim(run.pk, "t1")[1] == 1
    assert allocation._claim(run.pk, "t-duplicate") is None
    assert allocation._claim(run.pk, "t1")[1] == 2


def test_a_run_that_keeps_killing_its_worker_fails_after_three_attempts():
    zone, bays = a_zone_with_bays(1)
    run = run_for(zone)
    for _ in range(allocation.MAX_ATTEMPTS):
        assert allocation._claim(run.pk, "t1") is not None
    assert allocation._claim(run.pk, "t1") is None
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.FAILED
    assert "3" in run.error and run.attempts == 3


def test_instant_bookings_made_while_the_solver_ran_win_and_the_request_gets_alternatives():
    zone, (bay,) = a_zone_with_bays(1, max_vehicles=1)
    request = a_request(zone, [bay], SATURDAY, earliest="08:00", latest="08:30", duration=30)
    run = run_for(zone)
    _, attempt = allocation._claim(run.pk, "t1")
    built = build_instance(zone=zone, day=SATURDAY)
    solution = solver.solve(built.instance, time_limit=1, workers=1)
    assert [a["start"] for a in solution["assignments"]] == [480]
    van = a_vehicle()
    instant = booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                             start=at(SATURDAY, "08:10"), end=at(SATURDAY, "08:20"))
    run = apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution)
    request.refresh_from_db()
    instant.refresh_from_db()
    assert instant.status == Booking.Status.CONFIRMED
    assert request.status == "refused" and request.booking is None
    assert run.conflicts_count == 1 and run.served_count == 0
    # Free either side of the instant booking, nearest to the preferred 08:00 first.
    assert [a["start"][11:16] for a in request.alternatives] == ["07:40", "08:20", "07:35"]
    assert Booking.objects.count() == 1


def test_a_request_withdrawn_while_the_solver_ran_is_not_booked():
    zone, bays = a_zone_with_bays(1)
    request = a_request(zone, bays, SATURDAY)
    run = run_for(zone)
    _, attempt = allocation._claim(run.pk, "t1")
    built = build_instance(zone=zone, day=SATURDAY)
    solution = solver.solve(built.instance, time_limit=1, workers=1)
    BookingRequest.objects.filter(pk=request.pk).update(status="withdrawn")
    apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution)
    assert not Booking.objects.exists()


def test_quotas_are_honoured_end_to_end():
    zone, bays = a_zone_with_bays(3)
    greedy, modest = OrganisationFactory(), OrganisationFactory()
    Quota.objects.create(zone=zone, organisation=greedy, max_minutes_per_day=60)
    for _ in range(4):
        a_request(zone, bays, SATURDAY, organisation=greedy, duration=30)
    a_request(zone, bays, SATURDAY, organisation=modest, duration=30)
    run = execute(run_for(zone))
    assert allocation.served_minutes(run) == {greedy.pk: 60, modest.pk: 30}
    refused = BookingRequest.objects.filter(organisation=greedy, status="refused")
    assert refused.count() == 2
    assert all(r.alternatives == [] for r in refused)  # no minutes left to offer


def test_the_schedule_starts_one_run_per_zone_once_the_cut_off_has_passed():
    zone, _ = a_zone_with_bays(1)
    assert allocation.start_due_runs(now=at(FRIDAY, "15:59")) == []
    (run,) = allocation.start_due_runs(now=at(FRIDAY, "16:00"))
    assert (run.zone, run.day, run.trigger) == (zone, SATURDAY, "schedule")
    assert allocation.start_due_runs(now=at(FRIDAY, "16:05")) == []


def test_a_run_whose_message_was_lost_is_handed_out_again_after_the_hard_limit():
    zone, _ = a_zone_with_bays(1)
    run = run_for(zone)
    allocation._claim(run.pk, "t1")
    assert allocation.stalled_runs() == []
    later = at(FRIDAY, "06:00") + dt.timedelta(seconds=allocation.stale_after_seconds() + 1)
    assert allocation.stalled_runs(now=later) == [run]


def test_the_time_limits_nest_under_the_visibility_timeout():
    from bookings import tasks

    assert allocation.solver_seconds() < tasks.soft_time_limit() < tasks.hard_time_limit()
    assert tasks.run_allocation.soft_time_limit == tasks.soft_time_limit()
    assert tasks.run_allocation.time_limit == tasks.hard_time_limit()
    if tasks.visibility_timeout() is not None:
        assert tasks.hard_time_limit() < allocation.stale_after_seconds()
        assert tasks.hard_time_limit() < tasks.visibility_timeout()


@pytest.mark.parametrize("day", [dt.date(2026, 3, 29), dt.date(2026, 10, 25)],
                         ids=["spring-forward", "fall-back"])
def test_a_clock_change_day_is_allocated_at_the_wall_times_asked_for(day):
    zone, (bay,) = a_zone_with_bays(1, max_vehicles=1)
    zone.book_ahead_days = 400
    zone.save()
    first = a_request(zone, [bay], day, earliest="07:00", latest="08:00", duration=60)
    second = a_request(zone, [bay], day, earliest="08:00", latest="09:30", duration=60)
    built = build_instance(zone=zone, day=day)
    opened = built.instance["bays"][0]["open"][0]
    # Real minutes from midnight: an hour fewer before 07:00 in spring, one more in autumn.
    assert opened["start"] == {3: 360, 10: 480}[day.month]
    run = execute(run_for(zone, day))
    assert run.status == AllocationRun.Status.APPLIED, run.error
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booking.start, first.booking.end) == (at(day, "07:00"), at(day, "08:00"))
    assert (second.booking.start, second.booking.end) == (at(day, "08:00"), at(day, "09:00"))


def test_progress_is_written_at_most_once_a_second_without_the_pinned_bookings():
    zone, _ = a_zone_with_bays(1)
    run = run_for(zone)
    _, attempt = allocation._claim(run.pk, "t1")
    writer = allocation.ProgressWriter(run.pk, attempt, offset=1000)
    writer({"phase": "fcfs", "objective": 5000, "bound": None, "elapsed": 0.1})
    writer({"phase": "greedy", "objective": 6000, "bound": None, "elapsed": 0.2})
    run.refresh_from_db()
    assert (run.progress["phase"], run.progress["objective"]) == ("fcfs", 4000)
    assert run.progress["task"] == "t1" and run.progress["attempt"] == 1
    writer.flush()
    run.refresh_from_db()
    assert (run.progress["phase"], run.progress["objective"]) == ("greedy", 5000)


def test_every_decision_is_published_as_a_webhook_event_where_webhooks_exist(monkeypatch):
    import sys
    import types

    events = []
    services = types.ModuleType("webhooks.services")
    services.publish_event = lambda organisation, kind, payload: events.append((kind, payload))
    monkeypatch.setitem(sys.modules, "webhooks", types.ModuleType("webhooks"))
    monkeypatch.setitem(sys.modules, "webhooks.services", services)
    zone, (bay,) = a_zone_with_bays(1, max_vehicles=1)
    kept = a_request(zone, [bay], SATURDAY, earliest="08:00", latest="08:30", weight=2)
    lost = a_request(zone, [bay], SATURDAY, earliest="08:00", latest="08:30")
    execute(run_for(zone))
    kept.refresh_from_db()
    assert sorted((kind, p.get("request") or p["reference"]) for kind, p in events) == [
        ("booking.confirmed", kept.booking.reference),
        ("request.allocated", kept.reference), ("request.refused", lost.reference)]


def test_the_vehicle_register_decides_zero_emission_and_a_declaration_alone_does_not():
    from tests.access.factories import RegisteredVehicleFactory

    zone, (bay,) = a_zone_with_bays(1)
    electric, diesel = a_vehicle(zero_emission=False), a_vehicle(zero_emission=True)
    RegisteredVehicleFactory(plate=electric.plate, fuels=["Elektriciteit"], zero_emission=True)
    RegisteredVehicleFactory(plate=diesel.plate, fuels=["Diesel"], zero_emission=False)
    unknown = a_vehicle(zero_emission=True)
    for vehicle in (electric, diesel, unknown):
        a_request(zone, [bay], SATURDAY, vehicle=vehicle)
    entries = build_instance(zone=zone, day=SATURDAY).instance["requests"]
    # the unknown plate would be refused in a zero-emission-only window: never planned there
    assert [e["zero_emission"] for e in entries] == [True, False, False]
