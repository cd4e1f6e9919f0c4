"""Batch allocation of a zone's collected requests for one day: build, solve, apply.

The solver core (solvers.allocation) knows nothing of Django. This adapter

1. builds an instance in the exchange format from the database: the zone's
   active bays with their open minutes (windows and closures, zero-emission-only
   windows kept apart), the pending requests, the remaining quotas, and the
   bookings that already hold kerb space;
2. runs the solver outside any transaction (it takes seconds to minutes);
3. applies the plan in ONE transaction: the run row and the zone's bays are
   locked, every planned booking is re-checked against the bookings as they
   are now (instant bookings made while the solver ran win), and each request
   ends allocated or refused with a reason and the nearest free alternatives.

Existing bookings become fixed pseudo-requests. The exchange format has one
constant capacity and kerb length per bay, so a booking cannot be expressed by
shrinking the bay; cutting it out of the open intervals would close the whole
bay although a second vehicle still fits. Instead each booking is a request
that may only start at its own start at its own bay, with a weight larger than
all real requests together, so that keeping every booking is always worth more
than anything dropping one could gain. The solver starts from a weight-first
plan, so it places them first. Even if it did not, nothing is lost: the apply
step re-checks every planned booking against the real bookings and refuses
what no longer fits. Their value is subtracted from every figure we record.

Minutes count real time from local midnight, as bookings.occupancy does, so a
clock-change day has 1380 or 1500 of them; the format's day ends at minute
1440, which on the October night is 23:00 local time, after every window.

The zone's buffer after each stay is added to the duration the solver sees
(and to the request's latest end); that keeps plans feasible under the real
rule (the buffer needs room, not an open window) at the price of not planning
a stay that ends within the buffer before a window closes.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from access.services import booking_zero_emission, counts_as_zero_emission, may_enter_zone
from notifications.services import in_language_of
from operations.enqueue import enqueue_on_commit
from places import localtime
from places.models import LoadingBay, Zone

from . import errors
from . import events as booking_events
from .locking import lock_rows
from .models import AllocationRun, Booking, BookingRequest, Quota
from .occupancy import BayDay
from .quotas import held_minutes
from .selectors import _earliest_bookable_minute, bay_days, grid_minutes, to_cm
from .services import check_rules, new_reference
from .vehicle_facts import vehicle_facts

log = logging.getLogger(__name__)

FORMAT_DAY = 1440
WEIGHT_VALUE = 10_000
PSEUDO_PREFIX = "booked-"
MAX_ATTEMPTS = 3
ALTERNATIVES = 3
PROGRESS_EVERY_S = 1.0


class AllocationError(errors.BookingError):
    code = "allocation_refused"
    default_message = gettext_lazy("This allocation run cannot be started.")
    http_status = 409


class AlreadyAllocated(AllocationError):
    code = "already_allocated"
    default_message = gettext_lazy("This zone's day has already been allocated.")


class RunInProgress(AllocationError):
    code = "run_in_progress"
    default_message = gettext_lazy("An allocation run for this zone and day is already under way.")


class NotAllocated(errors.RequestError):
    code = "not_allocated"
    default_message = gettext_lazy(
        "There was no room in the accepted bays within the requested window."
    )


# --- Settings ---------------------------------------------------------------------------


def solver_seconds() -> float:
    return float(getattr(settings, "ALLOCATION_SOLVER_SECONDS", 60))


def bound_seconds(limit: float | None = None) -> float:
    """Time for the LP bound after the search, never more than the search itself had."""
    return min(float(getattr(settings, "ALLOCATION_BOUND_SECONDS", 15)), limit or solver_seconds())


def stale_after_seconds() -> float:
    """After this long a running attempt is certainly dead (past the task's hard limit)."""
    from .tasks import hard_time_limit

    return hard_time_limit() + 60


# --- Building the instance --------------------------------------------------------------


@dataclass
class Built:
    """An instance and what is needed to map its solution back to rows."""

    instance: dict
    requests: dict[str, BookingRequest] = field(default_factory=dict)
    pseudo_value: int = 0  # what all kept bookings add to the objective

    def real_objective(self, solution: dict) -> int:
        reqs = {r["id"]: r for r in self.instance["requests"]}
        total = 0
        for a in solution["assignments"]:
            if a["request"] in self.requests:
                req = reqs[a["request"]]
                walk = next(o["walk_m"] for o in req["options"] if o["bay"] == a["bay"])
                total += (WEIGHT_VALUE * req["weight"] - abs(a["start"] - req["preferred_start"])
                          - round(walk / 10))
        return total

    def real_served(self, solution: dict) -> int:
        return sum(1 for a in solution["assignments"] if a["request"] in self.requests)


def build_instance(*, zone: Zone, day: dt.date, now: dt.datetime | None = None) -> Built:
    """The exchange-format instance of a zone's day as the database holds it now."""
    now = now or localtime.now()
    bays = list(LoadingBay.objects.filter(zone=zone, is_active=True)
                .select_related("zone").order_by("pk"))
    days = bay_days(bays, day)
    buffer = zone.buffer_minutes
    instance = {
        "format": "venster-allocation/1",
        "name": f"{zone.slug}-{day.isoformat()}",
        "date": day.isoformat(),
        "bays": [_bay_dict(bay, days[bay.pk]) for bay in bays],
        "requests": [],
        "quotas": {},
    }
    pseudos = _pseudo_requests(bays, days, day, buffer)
    requests = list(
        BookingRequest.objects.filter(zone=zone, day=day, status=BookingRequest.Status.PENDING)
        .select_related("organisation", "vehicle").prefetch_related("bays")
        .order_by("created_at", "pk")
    )
    weight = sum(r.weight for r in requests) + 1
    for seq, pseudo in enumerate(pseudos):
        pseudo.update(submitted_seq=seq, weight=weight)
    built = Built(instance=instance, pseudo_value=WEIGHT_VALUE * weight * len(pseudos))
    instance["requests"] = pseudos
    by_code = {bay.pk: bay for bay in bays}
    clean = _ZeroEmission(zone, day)
    for seq, request in enumerate(requests, start=len(pseudos)):
        entry = _request_dict(request, by_code, day, now, buffer, days)
        entry["zero_emission"] = clean.judge(request)
        if not clean.admitted(request):
            entry["options"] = []  # the zone refuses the vehicle that day: plan it nowhere
        entry["submitted_seq"] = seq
        instance["requests"].append(entry)
        built.requests[entry["id"]] = request
    instance["quotas"] = _quotas_left(zone, day, {r.organisation_id for r in requests})
    return built


def _bay_dict(bay: LoadingBay, bay_day: BayDay) -> dict:
    return {
        "id": bay.code,
        "street": bay.street,
        "lat": bay.latitude,
        "lon": bay.longitude,
        "length_m": float(bay.kerb_length_m),
        "capacity": bay.max_vehicles,
        "open": open_intervals(bay_day),
    }


def open_intervals(bay_day: BayDay) -> list[dict]:
    """The bay's open minutes as the format's intervals; closures cut them, never widen."""
    intervals: list[dict] = []
    last = min(bay_day.minutes, FORMAT_DAY)
    state, start = 0, 0
    for minute in range(last + 1):
        now_state = 0
        if minute < last and bay_day.open_to_clean[minute] and not bay_day.closed[minute]:
            now_state = 1 if bay_day.open_to_all[minute] else 2
        if now_state != state:
            if state:
                intervals.append({"start": start, "end": minute, "zero_emission_only": state == 2})
            state, start = now_state, minute
    return intervals


def _pseudo_requests(bays, days, day, buffer) -> list[dict]:
    """Each occupying booking as a request pinned to its place, cut to the open minutes.

    Minutes where the bay is closed need no pinning: nobody can be planned there.
    """
    day_start = localtime.day_start(day)
    day_end = localtime.day_start(day + dt.timedelta(days=1))
    bookings = (
        Booking.objects.occupying().filter(bay__in=bays)
        .overlapping(localtime.later(day_start, -buffer), day_end)
        .select_related("bay").order_by("start", "pk")
    )
    pseudos = []
    opened = {bay.pk: [(i["start"], i["end"]) for i in open_intervals(days[bay.pk])]
              for bay in bays}
    for booking in bookings:
        start = max(0, localtime.minute_of_day(day, booking.start))
        end = min(FORMAT_DAY, localtime.minute_of_day(day, booking.end) + buffer)
        length = min(float(booking.vehicle_length_m), float(booking.bay.kerb_length_m))
        for part, (lo, hi) in enumerate(_runs_within(opened[booking.bay_id], start, end)):
            pseudos.append({
                "id": f"{PSEUDO_PREFIX}{booking.pk}-{part}",
                "duration": hi - lo,
                "length_m": length,
                "zero_emission": True,  # admitted by every open interval
                "earliest_start": lo,
                "latest_end": hi,
                "preferred_start": lo,
                "options": [{"bay": booking.bay.code, "walk_m": 0}],
            })
    return pseudos


def _runs_within(intervals, start, end):
    """Maximal pieces of [start, end) inside the (sorted, possibly touching) intervals."""
    merged: list[list[int]] = []
    for lo, hi in intervals:
        if merged and merged[-1][1] == lo:
            merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    for lo, hi in merged:
        lo, hi = max(lo, start), min(hi, end)
        if lo < hi:
            yield lo, hi


class _ZeroEmission:
    """Whether a request's vehicle may use a zero-emission-only window, as the booking service
    will judge it: the register and exemptions decide (a day exemption still unspent counts:
    applying the plan spends it); a declaration without such a plate does not. One answer
    per plate.
    """

    def __init__(self, zone: Zone, day: dt.date):
        self.zone, self.day, self.known, self.entering = zone, day, {}, {}

    @staticmethod
    def _key(request: BookingRequest) -> tuple[str, str]:
        vehicle = request.vehicle if request.vehicle_id else None
        return (vehicle.plate, vehicle.category) if vehicle else ("", "")

    def judge(self, request: BookingRequest) -> bool:
        key = self._key(request)
        if key not in self.known:
            self.known[key] = counts_as_zero_emission(plate=key[0], category=key[1],
                                                      zone=self.zone, day=self.day)
        return self.known[key]

    def admitted(self, request: BookingRequest) -> bool:
        """Whether the zero-emission decision lets the vehicle into the zone that day."""
        key = self._key(request)
        if key not in self.entering:
            self.entering[key] = may_enter_zone(plate=key[0], category=key[1], zone=self.zone,
                                                day=self.day)
        return self.entering[key]


def _request_dict(request: BookingRequest, bays_by_pk, day, now, buffer, days) -> dict:
    length_cm = to_cm(request.vehicle_length_m)
    options = []
    for bay in sorted(request.bays.all(), key=lambda b: b.pk):
        bay = bays_by_pk.get(bay.pk)  # active bays of this zone only
        if bay is None or length_cm > days[bay.pk].limits.max_vehicle_cm:
            continue
        options.append({"bay": bay.code, "walk_m": round(_walk_m(request, bay), 1)})
    earliest = localtime.minute_of_day(day, request.earliest_start)
    bookable = _earliest_bookable_minute(next(iter(bays_by_pk.values())), day, now) \
        if bays_by_pk else None
    if bookable is None:
        options = []  # the day is out of reach: nothing can be booked any more
    else:
        earliest = max(earliest, bookable)
    entry = {
        "id": request.reference,
        "weight": request.weight,
        "duration": request.duration_minutes + buffer,
        "length_m": float(request.vehicle_length_m),
        "zero_emission": request.zero_emission,
        "earliest_start": earliest,
        "latest_end": localtime.minute_of_day(day, request.latest_end) + buffer,
        "preferred_start": localtime.minute_of_day(day, request.preferred_start),
        "options": options,
    }
    entry["organisation"] = str(request.organisation_id)
    return entry


def _walk_m(request: BookingRequest, bay: LoadingBay) -> float:
    """Straight-line metres from the bay to the delivery address (0 when unknown)."""
    if request.address_latitude is None or request.address_longitude is None:
        return 0.0
    lat1, lon1 = math.radians(bay.latitude), math.radians(bay.longitude)
    lat2 = math.radians(request.address_latitude)
    lon2 = math.radians(request.address_longitude)
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _quotas_left(zone: Zone, day: dt.date, organisation_ids) -> dict[str, int]:
    """Minutes each capped organisation may still take: its quota less what it already holds."""
    quotas = Quota.objects.filter(zone=zone, organisation_id__in=organisation_ids)
    return {
        str(q.organisation_id): max(0, q.max_minutes_per_day - held_minutes(
            zone=zone, day=day, organisation_id=q.organisation_id))
        for q in quotas
    }


# --- Starting and running a run -------------------------------------------------------


def allocation_run_start(*, zone: Zone, day: dt.date, trigger: str, started_by=None,
                         enqueue: bool = True) -> AllocationRun:
    """Create a queued run for a zone's day and, after commit, hand it to a solver worker."""
    with transaction.atomic():
        lock_rows(Zone.objects.all(), [zone.pk])  # two admins clicking at once make one run
        runs = AllocationRun.objects.filter(zone=zone, day=day)
        if runs.filter(status=AllocationRun.Status.APPLIED).exists():
            raise AlreadyAllocated()
        if runs.filter(status__in=[AllocationRun.Status.QUEUED,
                                   AllocationRun.Status.RUNNING]).exists():
            raise RunInProgress()
        run = AllocationRun.objects.create(zone=zone, day=day, trigger=trigger,
                                           started_by=started_by)
        if enqueue:
            from .tasks import run_allocation

            enqueue_on_commit(run_allocation, run.pk)
    return run


def allocation_run_execute(*, run_id: int, task_id: str, time_limit: float | None = None,
                           workers: int = 2) -> AllocationRun | None:
    """Claim the run, solve its day and apply the plan once; None when there is nothing to do.

    Safe to call twice with the same run (a redelivered task): the claim is a
    compare-and-set on (status, attempts), and only the latest attempt may apply.
    """
    claimed = _claim(run_id, task_id)
    if claimed is None:
        return None
    run, attempt = claimed
    try:
        _drill_pause()
        built = build_instance(zone=run.zone, day=run.day)
        solution, fcfs_solution = _solve(run, attempt, built, time_limit, workers)
        return apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=solution,
                          fcfs_solution=fcfs_solution)
    except Exception as exc:  # a result, never a crash loop: record why and stop
        log.exception("allocation run %s failed", run_id)
        if isinstance(exc, IntegrityError):
            exc = AlreadyAllocated()
        _fail(run_id, attempt, _("The run failed: %(error)s") % {"error": exc})
        return None


def _claim(run_id: int, task_id: str):
    """Take the run for this attempt (compare-and-set), or say why not by returning None."""
    run = AllocationRun.objects.select_related("zone").filter(pk=run_id).first()
    if run is None or run.status in (AllocationRun.Status.APPLIED, AllocationRun.Status.FAILED):
        return None
    now = localtime.now()
    if run.status == AllocationRun.Status.RUNNING:
        redelivered = run.progress.get("task") == task_id
        stale = run.started_at is None or (
            localtime.elapsed(run.started_at, now).total_seconds() > stale_after_seconds())
        if not (redelivered or stale):
            return None  # a live attempt owns it; this is a duplicate message
    if run.attempts >= MAX_ATTEMPTS:
        AllocationRun.objects.filter(pk=run_id, status=run.status, attempts=run.attempts).update(
            status=AllocationRun.Status.FAILED, finished_at=now,
            error=_("Gave up after %(n)d attempts that ended without a result "
                    "(the worker died or was killed each time).") % {"n": run.attempts})
        return None
    attempt = run.attempts + 1
    changed = AllocationRun.objects.filter(
        pk=run_id, status=run.status, attempts=run.attempts
    ).update(status=AllocationRun.Status.RUNNING, attempts=attempt, started_at=now, error="",
             progress={"task": task_id, "attempt": attempt, "phase": "building"})
    if changed != 1:
        return None  # another delivery claimed it first
    run.refresh_from_db()
    return run, attempt


def _drill_pause() -> None:
    """A pause before solving, set only for fault drills (a worker killed mid-run)."""
    seconds = float(getattr(settings, "ALLOCATION_DRILL_PAUSE_SECONDS", 0) or 0)
    if seconds > 0:
        time.sleep(seconds)


def _fail(run_id: int, attempt: int, error: str) -> None:
    AllocationRun.objects.filter(
        pk=run_id, status=AllocationRun.Status.RUNNING, attempts=attempt
    ).update(status=AllocationRun.Status.FAILED, error=str(error)[:2000],
             finished_at=localtime.now())


def _solve(run: AllocationRun, attempt: int, built: Built, time_limit, workers):
    from solvers import allocation as solver

    progress = ProgressWriter(run.pk, attempt, built.pseudo_value)
    fcfs_solution = solver.fcfs(built.instance)
    limit = time_limit or solver_seconds()
    # The bound is what makes the run's figures mean something: how far from the best.
    solution = solver.solve(built.instance, time_limit=limit, workers=workers,
                            progress=progress, bound_time_limit=bound_seconds(limit))
    progress.flush()
    AllocationRun.objects.filter(pk=run.pk, attempts=attempt).update(solved_at=localtime.now())
    return solution, fcfs_solution


class ProgressWriter:
    """The solver's progress callback: writes the run's progress at most once a second.

    The solver may call it from its own threads; a thread other than the
    task's closes the connection it opened, so none is left behind.
    """

    def __init__(self, run_id: int, attempt: int, offset: int):
        self.run_id, self.attempt, self.offset = run_id, attempt, offset
        self.last_write = 0.0
        self.latest: dict | None = None
        self.lock = threading.Lock()

    def __call__(self, report: dict) -> None:
        with self.lock:
            self.latest = report
            if time.monotonic() - self.last_write < PROGRESS_EVERY_S:
                return
            self.last_write = time.monotonic()
        self.flush()

    def flush(self) -> None:
        with self.lock:
            report, self.latest = self.latest, None
        if report is None:
            return
        bound = report.get("bound")
        progress = {
            "attempt": self.attempt,
            "phase": report.get("phase"),
            "objective": _minus(report.get("objective"), self.offset),
            "bound": _minus(bound, self.offset),
            "elapsed_s": round(float(report.get("elapsed") or 0), 1),
        }
        AllocationRun.objects.filter(
            pk=self.run_id, status=AllocationRun.Status.RUNNING, attempts=self.attempt
        ).update(progress=_with_task(self.run_id, progress))
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def _minus(value, offset):
    return None if value is None else int(value) - offset


def _with_task(run_id: int, progress: dict) -> dict:
    current = AllocationRun.objects.filter(pk=run_id).values_list("progress", flat=True).first()
    return {"task": (current or {}).get("task"), **progress}


# --- Applying the plan ------------------------------------------------------------------


@dataclass
class Applied:
    allocated: int = 0
    refused: int = 0
    conflicts: int = 0
    objective: int = 0


def apply_plan(*, run_id: int, attempt: int, built: Built, solution: dict,
               fcfs_solution: dict | None = None, now: dt.datetime | None = None):
    """Turn the plan into bookings in one transaction; the run ends applied exactly once.

    Returns the run, or None when this attempt is no longer the run's latest
    (a newer attempt owns it) or the run was already applied.
    """
    now = now or localtime.now()
    with transaction.atomic():
        run = (AllocationRun.objects.select_for_update(of=("self",)).select_related("zone")
               .filter(pk=run_id).first())
        if run is None or run.status != AllocationRun.Status.RUNNING or run.attempts != attempt:
            return None
        if AllocationRun.objects.filter(zone=run.zone, day=run.day,
                                        status=AllocationRun.Status.APPLIED).exists():
            raise AlreadyAllocated()
        applied = _apply(run, built, solution, now)
        _record(run, built, solution, fcfs_solution, applied, now)
    return run


def _apply(run: AllocationRun, built: Built, solution: dict, now) -> Applied:
    zone, day = run.zone, run.day
    bays = lock_rows(LoadingBay.objects.select_related("zone").filter(zone=zone),
                     LoadingBay.objects.filter(zone=zone).values_list("pk", flat=True))
    by_code = {bay.code: bay for bay in bays}
    days = bay_days([b for b in bays if b.is_active], day)  # as it is now, after the lock
    locked = (BookingRequest.objects.select_for_update(of=("self",))
              .select_related("organisation", "vehicle").prefetch_related("bays")
              .filter(pk__in=[r.pk for r in built.requests.values()],
                      status=BookingRequest.Status.PENDING))
    pending = {r.reference: r for r in locked}
    vehicles = {r.vehicle_id for r in pending.values() if r.vehicle_id}
    checker = _Checker(zone, day, now, days, by_code, vehicles)
    applied = Applied()
    planned = {a["request"]: a for a in solution["assignments"] if a["request"] in pending}
    # Priority flows first, so that when instant bookings took room, they keep theirs.
    order = sorted(planned, key=lambda ref: (-pending[ref].weight, pending[ref].created_at))
    allocated, refused = [], []
    for ref in order:
        request, plan = pending.pop(ref), planned[ref]
        try:
            with transaction.atomic():  # a refusal undoes what its checks wrote
                booking = checker.book(request, by_code.get(plan["bay"]), plan["start"])
        except errors.BookingError as exc:
            applied.conflicts += 1
            refused.append((request, exc))
            continue
        allocated.append((request, booking))
        applied.objective += _value(built, ref, plan)
    refused += [(request, NotAllocated()) for request in pending.values()]
    _save_bookings([booking for _, booking in allocated])
    for _request, booking in allocated:
        booking_events.booking_confirmed(booking)  # as every instant booking is announced
    # Alternatives only now, when every planned booking holds its place.
    for request, reason in refused:
        _refuse(run, request, reason, checker.alternatives(request), now)
    for request, booking in allocated:
        _allocate(run, request, booking, now)
    # One UPDATE per request: bulk_update's CASE expressions are far slower at this size.
    for request, _outcome in allocated + refused:
        request.save(update_fields=["status", "booking", "allocation_run", "refusal_reason",
                                    "alternatives", "updated_at"])
    applied.allocated, applied.refused = len(allocated), len(refused)
    return applied


def _save_bookings(bookings: list[Booking]) -> None:
    """Insert the plan's bookings at once, with their history and unique references."""
    for booking in bookings:
        booking.reference = new_reference()
    for _attempt in range(5):
        references = [b.reference for b in bookings]
        clash = set(Booking.objects.filter(reference__in=references)
                    .values_list("reference", flat=True))
        seen: set[str] = set()
        for booking in bookings:
            if booking.reference in clash or booking.reference in seen:
                booking.reference = new_reference()  # 1 in 10^10: draw again
            seen.add(booking.reference)
        if not clash and len(seen) == len(bookings):
            break
    bulk_create_with_history(bookings, Booking, batch_size=500)


def _value(built: Built, ref: str, plan: dict) -> int:
    return built.real_objective({"assignments": [plan]})


class _Checker:
    """The booking service's checks against the locked bays' minute model, kept current."""

    def __init__(self, zone, day, now, days, by_code, vehicle_ids):
        self.zone, self.day, self.now, self.days, self.by_code = zone, day, now, days, by_code
        self.buffer = zone.buffer_minutes
        self.quota = {q.organisation_id: q.max_minutes_per_day
                      for q in Quota.objects.filter(zone=zone)}
        self.used: dict[int, int] = {}
        self.vehicle_busy: dict[int, list[tuple]] = defaultdict(list)
        day_start = localtime.day_start(day)
        day_end = localtime.day_start(day + dt.timedelta(days=1))
        for vehicle_id, start, end in (
            Booking.objects.occupying().filter(vehicle_id__in=vehicle_ids)
            .overlapping(localtime.later(day_start, -24 * 60), localtime.later(day_end, 24 * 60))
            .values_list("vehicle_id", "start", "end")
        ):
            self.vehicle_busy[vehicle_id].append((start, end))

    def book(self, request: BookingRequest, bay: LoadingBay | None, minute: int) -> Booking:
        if bay is None or bay.pk not in self.days:
            raise errors.BayInactive()
        start = localtime.instant_at(self.day, minute)
        end = localtime.instant_at(self.day, minute + request.duration_minutes)
        # The request stored the register's length when it was submitted.
        facts = vehicle_facts(vehicle=request.vehicle, length_m=request.vehicle_length_m,
                              zero_emission=request.zero_emission,
                              mass_kg=request.vehicle_mass_kg)
        check_rules(bay=bay, start=start, end=end, facts=facts, now=self.now)
        length_cm = to_cm(request.vehicle_length_m)
        plate = facts.vehicle.plate if facts.vehicle else ""
        # As booking_create does: the register and exemptions judge a known plate.
        # May spend a day exemption, hence the savepoint around each book() call.
        clean = booking_zero_emission(bay=bay, start=start, end=end, facts=facts)
        refusal = self.days[bay.pk].refusal(minute, minute + request.duration_minutes,
                                            length_cm, clean)
        if refusal is not None:
            raise refusal
        self._check_vehicle(request, start, end)
        self._check_quota(request)
        booking = Booking(
            bay=bay, organisation=request.organisation, vehicle=request.vehicle,
            plate=plate, start=start, end=end, vehicle_length_m=request.vehicle_length_m,
            vehicle_mass_kg=facts.mass_kg,
            zero_emission=clean, channel=Booking.Channel.OPTIMISER,
            booked_by=request.submitted_by, note=request.reference,
        )
        self.days[bay.pk].add_booking(minute, minute + request.duration_minutes, length_cm)
        if request.vehicle_id:
            self.vehicle_busy[request.vehicle_id].append((start, end))
        self.used[request.organisation_id] = (
            self._used(request.organisation_id) + request.duration_minutes)
        return booking

    def _check_vehicle(self, request, start, end):
        if request.vehicle_id and any(s < end and e > start
                                      for s, e in self.vehicle_busy[request.vehicle_id]):
            raise errors.VehicleBusy()

    def _used(self, organisation_id: int) -> int:
        if organisation_id not in self.used:
            self.used[organisation_id] = held_minutes(zone=self.zone, day=self.day,
                                                      organisation_id=organisation_id)
        return self.used[organisation_id]

    def _check_quota(self, request):
        cap = self.quota.get(request.organisation_id)
        if cap is not None and self._used(request.organisation_id) + request.duration_minutes > cap:
            raise errors.QuotaExceeded()

    def alternatives(self, request: BookingRequest) -> list[dict]:
        """The nearest start times still free at the accepted bays, one bay each first."""
        if self.quota.get(request.organisation_id) is not None and (
            self._used(request.organisation_id) + request.duration_minutes
            > self.quota[request.organisation_id]
        ):
            return []
        preferred = localtime.minute_of_day(self.day, request.preferred_start)
        firsts, rest = [], []
        for bay in sorted(request.bays.all(), key=lambda b: b.pk):
            bay = self.by_code.get(bay.code)
            if bay is None or bay.pk not in self.days:
                continue
            earliest = _earliest_bookable_minute(bay, self.day, self.now)
            if earliest is None or request.duration_minutes > self.zone.max_stay_minutes:
                continue
            starts = self.days[bay.pk].free_starts(
                request.duration_minutes, to_cm(request.vehicle_length_m),
                request.zero_emission, grid=grid_minutes(), earliest=earliest)
            starts.sort(key=lambda s: (abs(s - preferred), s))
            keyed = [(abs(s - preferred), bay.code, s) for s in starts[:ALTERNATIVES]]
            firsts += keyed[:1]
            rest += keyed[1:]
        ranked = (sorted(firsts) + sorted(rest))[:ALTERNATIVES]
        return [self._slot(code, minute, request.duration_minutes) for _, code, minute in ranked]

    def _slot(self, code: str, minute: int, duration: int) -> dict:
        start = localtime.instant_at(self.day, minute)
        end = localtime.instant_at(self.day, minute + duration)
        return {"bay": code, "start": start.isoformat(), "end": end.isoformat()}


def _allocate(run: AllocationRun, request: BookingRequest, booking: Booking, now) -> None:
    request.status = BookingRequest.Status.ALLOCATED
    request.booking = booking
    request.allocation_run = run
    request.refusal_reason = ""
    request.alternatives = []
    request.updated_at = now
    payload = {"request": request.reference, "booking": booking.reference,
               "bay": booking.bay.code, "start": booking.start.isoformat(),
               "end": booking.end.isoformat()}
    start = booking.start.astimezone(localtime.LOCAL)
    with in_language_of(request.organisation):
        _tell(request, "request.allocated",
              _("Request %(ref)s allocated: %(bay)s at %(start)s")
              % {"ref": request.reference, "bay": booking.bay.code,
                 "start": f"{start:%d-%m %H:%M}"}, payload)


def _refuse(run: AllocationRun, request: BookingRequest, reason: errors.BookingError,
            alternatives: list[dict], now) -> None:
    request.status = BookingRequest.Status.REFUSED
    request.booking = None
    request.allocation_run = run
    request.alternatives = alternatives
    request.updated_at = now
    with in_language_of(request.organisation):
        request.refusal_reason = str(reason.message)[:200]
        payload = {"request": request.reference, "reason": reason.code,
                   "message": request.refusal_reason, "alternatives": request.alternatives}
        _tell(request, "request.refused",
              _("Request %(ref)s refused") % {"ref": request.reference}, payload)


def _tell(request: BookingRequest, kind: str, title: str, payload: dict) -> None:
    """A notification now (inside the transaction), and a webhook event where webhooks exist."""
    from notifications.services import notify

    body = payload.get("message") or ""
    if payload.get("alternatives"):
        body += "\n" + _("Still free:") + " " + ", ".join(
            f"{a['bay']} {a['start'][11:16]}" for a in payload["alternatives"])
    notify(organisation=request.organisation, kind=kind, title=title, body=body.strip(),
           payload=payload)
    try:
        from webhooks.services import publish_event
    except ImportError:
        return
    publish_event(request.organisation, kind, payload)


def _record(run, built, solution, fcfs_solution, applied: Applied, now) -> None:
    run.status = AllocationRun.Status.APPLIED
    run.solver_status = str(solution.get("status") or "")[:20]
    run.objective = built.real_objective(solution)
    bound = solution.get("bound")
    run.bound = None if bound is None else int(bound) - built.pseudo_value
    if fcfs_solution is not None:
        run.fcfs_objective = built.real_objective(fcfs_solution)
        run.fcfs_served_count = built.real_served(fcfs_solution)
    run.requests_count = len(built.requests)
    run.served_count = applied.allocated
    run.conflicts_count = applied.conflicts
    run.progress = {**run.progress, "phase": "applied", "planned": built.real_served(solution),
                    "applied_objective": applied.objective,
                    "solver_seconds": solution.get("seconds")}
    run.solved_at = run.solved_at or now
    run.finished_at = now
    run.error = ""
    run.save()


def allocation_figures(run: AllocationRun) -> dict:
    """The figures of a run as the command prints them."""
    return {
        "run": run.pk, "zone": run.zone.slug, "day": run.day.isoformat(),
        "status": run.status, "solver_status": run.solver_status,
        "requests": run.requests_count, "served": run.served_count,
        "lost_to_instant_bookings": run.conflicts_count,
        "objective": run.objective, "bound": run.bound,
        "fcfs_objective": run.fcfs_objective, "fcfs_served": run.fcfs_served_count,
        "attempts": run.attempts, "error": run.error,
    }


# --- Schedule ---------------------------------------------------------------------------


def start_due_runs(*, now: dt.datetime | None = None) -> list[AllocationRun]:
    """Start a run for every zone whose cut-off for tomorrow has passed and has none yet."""
    from .requests import cutoff_instant

    now = now or localtime.now()
    tomorrow = now.astimezone(localtime.LOCAL).date() + dt.timedelta(days=1)
    started = []
    for zone in Zone.objects.exclude(allocation_runs__day=tomorrow):
        try:
            if now < cutoff_instant(zone, tomorrow):
                continue
        except localtime.LocalTimeError:
            continue  # a cut-off inside a clock change: that zone's admin must move it
        try:
            started.append(allocation_run_start(zone=zone, day=tomorrow,
                                                trigger=AllocationRun.Trigger.SCHEDULE))
        except AllocationError:
            continue
    return started


def stalled_runs(*, now: dt.datetime | None = None):
    """Runs whose message was lost: queued or running for longer than any attempt can take.

    A whole worker killed while it held a message loses it on the filesystem
    transport and, on Redis, returns it only after the visibility timeout;
    handing such runs out again is safe because the claim is a compare-and-set.
    """
    now = now or localtime.now()
    cutoff = localtime.later(now, -stale_after_seconds() / 60)
    queued = AllocationRun.objects.filter(status=AllocationRun.Status.QUEUED,
                                          created_at__lt=cutoff)
    running = AllocationRun.objects.filter(status=AllocationRun.Status.RUNNING,
                                           started_at__lt=cutoff)
    return list(queued) + list(running)


def served_minutes(run: AllocationRun) -> dict[int, int]:
    """Minutes allocated per organisation in a run (for reports and tests)."""
    rows = (BookingRequest.objects.filter(allocation_run=run,
                                          status=BookingRequest.Status.ALLOCATED)
            .values("organisation_id").annotate(minutes=Sum("duration_minutes")))
    return {row["organisation_id"]: row["minutes"] for row in rows}
