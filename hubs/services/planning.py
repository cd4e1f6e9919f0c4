"""Planning runs: route a collector's day with the routing core and apply the plan once.

A run moves QUEUED -> RUNNING -> APPLIED (or FAILED) by conditional updates, so
a redelivered or doubled task cannot apply twice: the plan is applied in one
transaction that first locks the run row and checks it is still RUNNING, and
the database allows one applied run per collector and day. A newer run of the
same day supersedes the applied one in that same transaction: its kerb
bookings are cancelled before the new ones are made.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F

from bookings import errors as booking_errors
from bookings import services as bookings
from bookings.models import Booking
from operations.enqueue import enqueue_on_commit
from organisations.models import Organisation
from places import localtime
from solvers import routing

from ..errors import NotACollector
from ..models import PickupRequest, PlannedRoute, PlanningRun, RouteStop
from ..routing import Plan, build_problem, whole_minute

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
VEHICLE_WEIGHT = 10_000_000  # metres a vehicle is worth in the stored objective
# Below the task's soft time limit (hubs.tasks), so the solver stops first.
MAX_SOLVER_SECONDS = 120


def planning_run_start(
    *, collector, day: dt.date, trigger: str = PlanningRun.Trigger.MANUAL, started_by=None,
    time_limit_seconds: int | None = None,
) -> PlanningRun:
    """Create a queued run and enqueue its task once the transaction commits.

    Refused (NotACollector) for a shop or a municipality, which have no vehicles to route:
    the worker would only fail on it later.
    """
    from ..tasks import SOLVER_QUEUE, plan_collector_day

    if collector.kind != Organisation.Kind.WASTE_COLLECTOR:
        raise NotACollector()

    fields = {"time_limit_seconds": time_limit_seconds} if time_limit_seconds else {}
    run = PlanningRun.objects.create(
        collector=collector, day=day, trigger=trigger, started_by=started_by, **fields
    )
    enqueue_on_commit(plan_collector_day, run.pk, queue=SOLVER_QUEUE)
    return run


def planning_runs_start_due(*, now: dt.datetime | None = None) -> list[PlanningRun]:
    """At each hub's cut-off, start tomorrow's run for every collector based there (once)."""
    from ..models import CollectorVehicle, Hub

    now = (now or localtime.now()).astimezone(localtime.LOCAL)
    day = now.date() + dt.timedelta(days=1)
    started = []
    for hub in Hub.objects.filter(is_active=True, planning_cutoff__lte=now.time()):
        collector_ids = set(
            CollectorVehicle.objects.filter(depot=hub, is_active=True)
            .values_list("vehicle__organisation_id", flat=True)
        )
        for collector_id in sorted(collector_ids):
            with transaction.atomic():
                exists = PlanningRun.objects.filter(
                    collector_id=collector_id, day=day, trigger=PlanningRun.Trigger.SCHEDULE
                ).exists()
                if not exists:
                    started.append(planning_run_start(
                        collector=Organisation.objects.get(pk=collector_id), day=day,
                        trigger=PlanningRun.Trigger.SCHEDULE,
                    ))
    return started


def planning_runs_start_for_pickups(*, pickups, started_by=None) -> list[PlanningRun]:
    """By hand: one run per day and collector for these pickups (their own collector, or
    every collector with vehicles when none is assigned yet)."""
    from ..models import CollectorVehicle

    all_collectors = sorted(set(CollectorVehicle.objects.filter(is_active=True).values_list(
        "vehicle__organisation_id", flat=True)))
    wanted = set()
    for day, collector_id in pickups.values_list("day", "collector_id").distinct():
        for cid in [collector_id] if collector_id else all_collectors:
            wanted.add((day, cid))
    with transaction.atomic():
        return [
            planning_run_start(collector=Organisation.objects.get(pk=cid), day=day,
                               trigger=PlanningRun.Trigger.MANUAL, started_by=started_by)
            for day, cid in sorted(wanted)
        ]


def _progress(run_id: int, **progress) -> None:
    PlanningRun.objects.filter(pk=run_id).update(progress=progress)


def planning_run_claim(*, run_id: int, now=None) -> PlanningRun | None:
    """Compare-and-set QUEUED/RUNNING -> RUNNING, counting the attempt; None if not ours to run.

    RUNNING is claimable again because a worker that died mid-solve leaves it so
    and the broker redelivers the message; the attempt limit stops a poison run.
    """
    now = now or localtime.now()
    claimed = PlanningRun.objects.filter(
        pk=run_id, status__in=[PlanningRun.Status.QUEUED, PlanningRun.Status.RUNNING],
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=PlanningRun.Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
    if not claimed:
        PlanningRun.objects.filter(
            pk=run_id, status=PlanningRun.Status.RUNNING, attempts__gte=MAX_ATTEMPTS
        ).update(status=PlanningRun.Status.FAILED, error="too many attempts", finished_at=now)
        return None
    return PlanningRun.objects.select_related("collector").get(pk=run_id)


# A queued run older than this lost its message (the broker was down when it was queued,
# or it went with a dead broker): long enough that one merely waiting behind other runs on
# the solver queue is left alone, and a duplicate is dropped by the claim anyway.
STALLED_AFTER_MINUTES = 15


def stalled_planning_runs(*, now: dt.datetime | None = None) -> list[PlanningRun]:
    """Queued runs no worker has claimed for a long while: to be queued again."""
    cutoff = localtime.later(now or localtime.now(), -STALLED_AFTER_MINUTES)
    return list(PlanningRun.objects.filter(status=PlanningRun.Status.QUEUED,
                                           created_at__lt=cutoff))


def planning_run_fail(*, run_id: int, error: str, now=None) -> None:
    PlanningRun.objects.filter(pk=run_id, status=PlanningRun.Status.RUNNING).update(
        status=PlanningRun.Status.FAILED, error=error[:2000],
        finished_at=now or localtime.now(),
    )


def planning_run_execute(*, run_id: int, seed: int = 0) -> str:
    """Claim, solve and apply one run; returns its final status. Safe to call twice."""
    run = planning_run_claim(run_id=run_id)
    if run is None:
        return PlanningRun.objects.values_list("status", flat=True).get(pk=run_id)
    _progress(run_id, phase="loading")
    plan = build_problem(run.collector, run.day)
    if not plan.problem.vehicles:
        planning_run_fail(run_id=run_id, error="The collector has no active vehicles with a depot.")
        return PlanningRun.Status.FAILED
    _progress(run_id, phase="solving", stops=len(plan.problem.stops),
              vehicles=len(plan.problem.vehicles))
    seconds = min(run.time_limit_seconds, MAX_SOLVER_SECONDS)
    options = routing.SolveOptions(time_limit=float(seconds), seed=seed)
    solution = routing.solve(plan.problem, options)
    violations = routing.check_routes(plan.problem, solution)
    if violations:
        planning_run_fail(run_id=run_id, error="infeasible plan: " + "; ".join(violations[:5]))
        return PlanningRun.Status.FAILED
    PlanningRun.objects.filter(pk=run_id).update(solved_at=localtime.now())
    _progress(run_id, phase="applying", stops=len(plan.problem.stops))
    return planning_run_apply(run_id=run_id, plan=plan, solution=solution)


def planning_run_apply(*, run_id: int, plan: Plan, solution: routing.Solution, now=None) -> str:
    """Turn a solution into routes, stops, kerb bookings and planned pickups, exactly once."""
    now = now or localtime.now()
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run_id)
        if run.status != PlanningRun.Status.RUNNING:
            return run.status  # another attempt applied or failed it meanwhile
        _supersede(run, now)
        round_trips = plan.round_trips()
        planned = conflicts = 0
        for route in solution.routes:
            ok, lost = _apply_route(run, plan, route, round_trips, now)
            planned, conflicts = planned + ok, conflicts + lost
        _mark_unserved(run, plan, solution)
        run.status = PlanningRun.Status.APPLIED
        run.solver_status = solution.status
        # Vehicles first, then metres: the core's lexicographic objective as one number.
        run.objective = solution.vehicles_used * VEHICLE_WEIGHT + solution.total_distance
        run.vehicles_used = solution.vehicles_used
        run.distance_m = solution.total_distance
        run.solver_seconds = round(solution.seconds, 2)
        run.stops_count = len(plan.problem.stops) + len(plan.skipped)
        run.planned_count, run.conflicts_count = planned, conflicts
        run.finished_at = now
        run.progress = {"phase": "done", "planned": planned, "conflicts": conflicts}
        run.save()
    return run.status


def _supersede(run: PlanningRun, now) -> None:
    """Release what an earlier applied run of this collector and day holds."""
    earlier = list(PlanningRun.objects.select_for_update().filter(
        collector=run.collector, day=run.day, status=PlanningRun.Status.APPLIED
    ).exclude(pk=run.pk))
    for old in earlier:
        stops = RouteStop.objects.filter(route__run=old, kind=RouteStop.Kind.PICKUP)
        for booking in Booking.objects.filter(
            pk__in=stops.values("booking_id"), status=Booking.Status.CONFIRMED
        ):
            bookings.booking_cancel(booking=booking, now=now)
        PickupRequest.objects.filter(
            pk__in=stops.values("pickup_id"), status=PickupRequest.Status.PLANNED
        ).update(status=PickupRequest.Status.PENDING, planned_start=None, planned_end=None)
        old.status = PlanningRun.Status.SUPERSEDED
        old.save(update_fields=["status"])


def _apply_route(run, plan: Plan, route: routing.Route, round_trips, now) -> tuple[int, int]:
    cv = plan.vehicles[route.vehicle_id]
    first, last = route.visits[0], route.visits[-1]
    row = PlannedRoute.objects.create(
        run=run, vehicle=cv, depot=plan.hubs[first.id], start=plan.instant(first.start),
        end=plan.instant(last.arrival), distance_m=route.distance, trips=route.trips,
    )
    planned = lost = 0
    previous = None  # (bay id, booking) of the stop just before, for back-to-back stops
    for sequence, visit in enumerate(route.visits):
        fields = _stop_fields(plan, visit, first.id, round_trips)
        if visit.kind == "stop":
            same_bay = previous if _back_to_back(plan, visit, previous) else None
            booking = _book_stop(run, plan, cv, visit, now, extend=same_bay and same_bay[1])
            if booking is None:
                lost += 1
                previous = None
                continue
            planned += 1
            # Only a pickup's own booking may grow; a delivery's belongs to its chain.
            is_pickup = visit.id in plan.pickups
            previous = (plan.bays[visit.id].pk, booking) if is_pickup else None
            start = plan.instant(visit.start) if same_bay else booking.start
            fields.update(booking=booking, start=whole_minute(start), end=booking.end)
        else:
            previous = None
        RouteStop.objects.create(route=row, sequence=sequence, **fields)
    return planned, lost


def _back_to_back(plan: Plan, visit: routing.Visit, previous) -> bool:
    """The stop before was at the same bay and this one starts within the zone's buffer."""
    if previous is None or previous[0] != plan.bays[visit.id].pk:
        return False
    bay = plan.bays[visit.id]
    start = whole_minute(plan.instant(visit.start))
    return start <= localtime.later(previous[1].end, bay.zone.buffer_minutes)


def _stop_fields(plan: Plan, visit: routing.Visit, depot_id: str, round_trips) -> dict:
    fields = dict(arrival=plan.instant(visit.arrival), start=plan.instant(visit.start),
                  end=plan.instant(visit.departure), load=visit.load)
    if visit.kind == "depot":
        hub = plan.hubs[visit.id]
        return {**fields, "kind": RouteStop.Kind.DEPOT, "latitude": hub.latitude,
                "longitude": hub.longitude}
    if visit.kind == "disposal":
        site = plan.sites[visit.id]
        return {**fields, "kind": RouteStop.Kind.DISPOSAL, "disposal_site": site,
                "latitude": site.latitude, "longitude": site.longitude}
    bay = plan.bays[visit.id]
    kind = RouteStop.Kind.PICKUP if visit.id in plan.pickups else RouteStop.Kind.DELIVERY
    return {**fields, "kind": kind, "bay": bay, "latitude": bay.latitude,
            "longitude": bay.longitude, "pickup": plan.pickups.get(visit.id),
            "chain": plan.chains.get(visit.id),
            "depot_round_trip_m": round_trips[(depot_id, visit.id)]}


def _book_stop(run, plan: Plan, cv, visit: routing.Visit, now, extend=None) -> Booking | None:
    """Book the stop's kerb time like any booking; None when the kerb is no longer free.

    Two stops in a row at one bay (a shop's two streams) share one booking, made
    longer: two bookings back to back would collide with the zone's buffer.
    """
    start = whole_minute(plan.instant(visit.start))
    end = localtime.later(start, plan.service_minutes[visit.id])
    try:
        if extend is not None and visit.id in plan.pickups:
            pickup = PickupRequest.objects.select_for_update().get(pk=plan.pickups[visit.id].pk)
            if not _still_ours(pickup, run):
                return None
            booking = bookings.booking_reschedule(booking=extend, start=extend.start, end=end,
                                                  now=now)
            _mark_planned(pickup, run, start, end)
            return booking
        if visit.id in plan.chains:
            chain = plan.chains[visit.id]
            return bookings.booking_reschedule(booking=chain.delivery, start=start, end=end,
                                               now=now)
        pickup = PickupRequest.objects.select_for_update().get(pk=plan.pickups[visit.id].pk)
        if not _still_ours(pickup, run):
            return None
        booking = bookings.booking_create(
            bay=plan.bays[visit.id], organisation=run.collector, vehicle=cv.vehicle,
            start=start, end=end, channel=Booking.Channel.OPTIMISER,
            note=f"pickup {pickup.pk} run {run.pk}", now=now,
        )
    except booking_errors.BookingError as exc:
        log.info("planning run %s: stop %s lost its kerb time (%s)", run.pk, visit.id, exc.code)
        if visit.id in plan.pickups:
            _unplan(plan.pickups[visit.id].pk)
        return None
    _mark_planned(pickup, run, booking.start, booking.end)
    return booking


def _still_ours(pickup: PickupRequest, run) -> bool:
    """False when the pickup was cancelled or taken by another collector while we solved."""
    return pickup.status in (PickupRequest.Status.PENDING, PickupRequest.Status.PLANNED) and (
        pickup.collector_id in (None, run.collector_id))


def _mark_planned(pickup: PickupRequest, run, start, end) -> None:
    PickupRequest.objects.filter(pk=pickup.pk).update(
        status=PickupRequest.Status.PLANNED, collector=run.collector,
        planned_start=start, planned_end=end,
    )


def _unplan(pickup_id: int) -> None:
    PickupRequest.objects.filter(
        pk=pickup_id, status__in=[PickupRequest.Status.PENDING, PickupRequest.Status.PLANNED]
    ).update(status=PickupRequest.Status.UNPLANNED, planned_start=None, planned_end=None)


def _mark_unserved(run, plan: Plan, solution: routing.Solution) -> None:
    for key in [*solution.unserved, *plan.skipped]:
        if key in plan.pickups or key.startswith("pickup-"):
            _unplan(int(key.split("-", 1)[1]))
