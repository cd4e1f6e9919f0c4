"""On the street: may this vehicle stand here now? One answer, in a handful of queries.

`enforcement_check` takes a licence plate (and optionally the bay the officer
stands at) and says whether the vehicle is booked there now, which booking,
which delivery window applies, and whether it counts as zero-emission by the
register and exemptions. Officers see only their own municipality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from organisations.models import Membership, Organisation
from organisations.plates import normalise_plate
from places import localtime
from places.models import Closure, LoadingBay, TimeWindow
from places.selectors import windows_in_force

from .models import RegisteredVehicle
from .services import (
    Basis,
    Reason,
    ZeroEmissionAccess,
    ZeroEmissionStatus,
    zero_emission_access,
    zero_emission_status,
)


class Verdict:
    ALLOWED = "allowed"
    NOT_BOOKED = "not_booked"
    WRONG_BAY = "wrong_bay"
    WRONG_WINDOW = "wrong_window"
    OUTSIDE_WINDOW = "outside_window"
    BAY_CLOSED = "bay_closed"
    NOT_ZERO_EMISSION = "not_zero_emission"
    NOT_ADMITTED_TO_ZONE = "not_admitted_to_zone"
    UNKNOWN_BAY = "unknown_bay"


MESSAGES = {
    Verdict.ALLOWED: _("Booked here now; allowed."),
    Verdict.NOT_BOOKED: _("No booking for this vehicle today."),
    Verdict.WRONG_BAY: _("Booked now, but at another bay."),
    Verdict.WRONG_WINDOW: _("Booked today, but not for this time."),
    Verdict.OUTSIDE_WINDOW: _("Booked, but the bay is not open for loading now."),
    Verdict.BAY_CLOSED: _("Booked, but the bay is closed now."),
    Verdict.UNKNOWN_BAY: _("No bay with this code in your municipality."),
    Verdict.NOT_ADMITTED_TO_ZONE: _(
        "Booked, but the zero-emission zone does not admit this vehicle today."
    ),
    Verdict.NOT_ZERO_EMISSION: _(
        "Booked, but the window now is for zero-emission vehicles only and this vehicle "
        "is not zero-emission."
    ),
}


class NotAllowedToEnforce(PermissionError):
    pass


@dataclass(frozen=True)
class Scope:
    """Where an officer may look: one municipality, or all (None)."""

    municipality_id: int | None


def enforcement_scope(*, user=None, organisation: Organisation | None = None) -> Scope:
    """The scope of an enforcer, municipal staff member or staff user; refuses anyone else.

    Enforcement officers (Membership role enforcer) and every member of a
    municipality's organisation may check; a regional administration
    (municipality left empty) sees all municipalities.
    """
    if user is not None and organisation is None:
        membership = (
            Membership.objects.select_related("organisation").filter(user=user).first()
            if getattr(user, "is_authenticated", False) else None
        )
        if membership is not None and (
            membership.role == Membership.Role.ENFORCER
            or membership.organisation.kind == Organisation.Kind.MUNICIPALITY
        ):
            return Scope(membership.organisation.municipality_id)
        if getattr(user, "is_staff", False):
            return Scope(None)
        raise NotAllowedToEnforce()
    if organisation is not None and organisation.kind == Organisation.Kind.MUNICIPALITY:
        return Scope(organisation.municipality_id)
    raise NotAllowedToEnforce()


@dataclass
class EnforcementAnswer:
    plate: str
    checked_at: dt.datetime
    verdict: str
    bay: LoadingBay | None = None
    booking: Booking | None = None
    window: TimeWindow | None = None
    closure: Closure | None = None
    zero_emission: ZeroEmissionStatus | None = None
    zone_access: ZeroEmissionAccess | None = None
    registered: RegisteredVehicle | None = None
    bookings_today: list[Booking] = field(default_factory=list)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.verdict])

    @property
    def booked_here_now(self) -> bool:
        return self.verdict not in (Verdict.NOT_BOOKED, Verdict.WRONG_BAY, Verdict.WRONG_WINDOW,
                                    Verdict.UNKNOWN_BAY)


def _bookings_today(plate: str, day: dt.date, scope: Scope) -> list[Booking]:
    bookings = (
        Booking.objects.occupying()
        .filter(plate=plate)
        .overlapping(localtime.day_start(day), localtime.day_start(day + dt.timedelta(days=1)))
        .select_related("bay__zone", "organisation", "vehicle")
        .order_by("start")
    )
    if scope.municipality_id is not None:
        bookings = bookings.filter(bay__zone__municipality_id=scope.municipality_id)
    return list(bookings)


def _window_now(bay: LoadingBay, now: dt.datetime) -> TimeWindow | None:
    """The window of the bay (its own on this weekday, else its zone's) that holds `now`."""
    local = now.astimezone(localtime.LOCAL)
    day = local.date()
    minute = localtime.minute_of_day(day, now)
    for window in windows_in_force([bay], day)[bay.pk]:
        if localtime.wall_minute(day, window.start) <= minute < localtime.wall_minute(
            day, window.end
        ):
            return window
    return None


def _closure_now(bay: LoadingBay, now: dt.datetime) -> Closure | None:
    local = now.astimezone(localtime.LOCAL)
    day = local.date()
    closures = Closure.objects.filter(start_date__lte=day, end_date__gte=day).filter(
        bay=bay
    ) | Closure.objects.filter(start_date__lte=day, end_date__gte=day, zone_id=bay.zone_id)
    minute = localtime.minute_of_day(day, now)
    for closure in closures:
        if not closure.applies_on(day):
            continue
        if closure.start_time is None or (
            localtime.wall_minute(day, closure.start_time)
            <= minute
            < localtime.wall_minute(day, closure.end_time)
        ):
            return closure
    return None


def _effective_zero_emission(status: ZeroEmissionStatus, booking: Booking | None):
    """On the street a day exemption counts only when it was spent for today."""
    if status.reason == Reason.DAY_EXEMPTION:
        return ZeroEmissionStatus(False, Reason.DAY_EXEMPTION)
    if status.is_zero_emission is None and booking is not None:
        return ZeroEmissionStatus(booking.zero_emission, "self_declared")
    return status


def enforcement_check(
    *, plate: str, scope: Scope, bay_code: str = "", now: dt.datetime | None = None
) -> EnforcementAnswer:
    """The answer for one plate, and optionally the bay the officer stands at; at most 7 queries."""
    now = now or localtime.now()
    plate = normalise_plate(plate)
    day = now.astimezone(localtime.LOCAL).date()
    bay = _find_bay(bay_code, scope)
    if bay_code.strip() and bay is None:
        return EnforcementAnswer(plate=plate, checked_at=now, verdict=Verdict.UNKNOWN_BAY,
                                 zero_emission=ZeroEmissionStatus(None, Reason.NOT_REGISTERED))
    bookings = _bookings_today(plate, day, scope)
    answer = EnforcementAnswer(plate=plate, checked_at=now, verdict=Verdict.NOT_BOOKED,
                               bay=bay, bookings_today=bookings)
    answer.registered = RegisteredVehicle.objects.filter(plate=plate).first()
    if not bookings:
        return _with_zero_emission(answer, bay, day)
    now_bookings = [b for b in bookings if b.start <= now < b.end]
    here = [b for b in now_bookings if bay is None or b.bay_id == bay.pk]
    if not here:
        answer.verdict = Verdict.WRONG_BAY if now_bookings else Verdict.WRONG_WINDOW
        answer.booking = (now_bookings or bookings)[0]
        return _with_zero_emission(answer, bay or answer.booking.bay, day)
    answer.booking = here[0]
    answer.bay = bay = here[0].bay
    answer.window = _window_now(bay, now)
    answer.closure = _closure_now(bay, now)
    _with_zero_emission(answer, bay, day)
    if answer.closure is not None:
        answer.verdict = Verdict.BAY_CLOSED
    elif answer.window is None:
        answer.verdict = Verdict.OUTSIDE_WINDOW
    elif not _admitted_on_the_street(answer.zone_access):
        answer.verdict = Verdict.NOT_ADMITTED_TO_ZONE
    elif answer.window.zero_emission_only and not answer.zero_emission.is_zero_emission:
        answer.verdict = Verdict.NOT_ZERO_EMISSION
    else:
        answer.verdict = Verdict.ALLOWED
    return answer


def _find_bay(code: str, scope: Scope) -> LoadingBay | None:
    code = (code or "").strip()
    if not code:
        return None
    bays = LoadingBay.objects.select_related("zone").filter(code__iexact=code)
    if scope.municipality_id is not None:
        bays = bays.filter(zone__municipality_id=scope.municipality_id)
    return bays.first()


def _admitted_on_the_street(access: ZeroEmissionAccess | None) -> bool:
    """The zone's decision on the street: a day exemption counts only when spent (then its
    basis is exemption); one merely available does not admit the vehicle."""
    return access is None or (access.allowed
                              and access.basis != Basis.DAY_EXEMPTION_AVAILABLE)


def _with_zero_emission(answer: EnforcementAnswer, bay: LoadingBay | None, day: dt.date):
    if bay is not None:
        category = answer.booking.vehicle.category if (
            answer.booking is not None and answer.booking.vehicle_id) else ""
        answer.zone_access = zero_emission_access(answer.plate, bay.zone, day, category=category,
                                                  registered=answer.registered,
                                                  lookup_register=False)
    if bay is None:
        registered = answer.registered
        if registered is not None:
            reason = (Reason.REGISTER_ZERO_EMISSION if registered.zero_emission
                      else Reason.REGISTER_NOT_ZERO_EMISSION)
            answer.zero_emission = ZeroEmissionStatus(registered.zero_emission, reason)
        else:
            answer.zero_emission = ZeroEmissionStatus(None, Reason.NOT_REGISTERED)
        return answer
    status = zero_emission_status(answer.plate, bay.zone, day, registered=answer.registered,
                                  lookup_register=False)
    answer.zero_emission = _effective_zero_emission(status, answer.booking)
    return answer


def enforceable_booking(*, reference: str, scope: Scope) -> Booking | None:
    """A booking an officer in this scope may check in or mark as a no-show."""
    bookings = Booking.objects.filter(reference=reference)
    if scope.municipality_id is not None:
        bookings = bookings.filter(bay__zone__municipality_id=scope.municipality_id)
    return bookings.first()
