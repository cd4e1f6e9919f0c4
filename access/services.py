"""May this vehicle enter this zone on this day, and is it zero-emission? One decision each.

`zero_emission_access` is the decision of the national zero-emission regime
(regime.py, rules as data) with the zone's start, its warning period and the
exemptions on top: every path that books, plans or checks asks it.
`zero_emission_status` says whether a vehicle counts as zero-emission (register or
exemption), which a zero-emission-only window asks. `booking_zero_emission` is what
the booking service asks when it books or moves a stay; it applies both and
spends a day exemption when the stay needs one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.locking import lock_rows
from bookings.selectors import bay_days
from organisations.plates import normalise_plate
from places import localtime
from places.models import LoadingBay, Zone

from . import errors
from .models import DayExemptionUse, Exemption, RegisteredVehicle
from .regime import NOT_SUBJECT, ZERO_EMISSION, national_regime


class Reason:
    """Stable codes for why a plate is or is not zero-emission."""

    NO_PLATE = "no_plate"
    NOT_REGISTERED = "not_registered"
    REGISTER_ZERO_EMISSION = "register_zero_emission"
    REGISTER_NOT_ZERO_EMISSION = "register_not_zero_emission"
    LONG_TERM_EXEMPTION = "long_term_exemption"
    DAY_EXEMPTION = "day_exemption"
    DAY_EXEMPTION_USED = "day_exemption_used"
    DAY_EXEMPTIONS_USED_UP = "day_exemptions_used_up"


REASON_LABELS = {
    Reason.NO_PLATE: _("no licence plate"),
    Reason.NOT_REGISTERED: _("not in the vehicle register"),
    Reason.REGISTER_ZERO_EMISSION: _("register: electricity or hydrogen"),
    Reason.REGISTER_NOT_ZERO_EMISSION: _("register: not electricity or hydrogen"),
    Reason.LONG_TERM_EXEMPTION: _("long-term exemption"),
    Reason.DAY_EXEMPTION: _("day exemption available, not used for today"),
    Reason.DAY_EXEMPTION_USED: _("day exemption used for today"),
    Reason.DAY_EXEMPTIONS_USED_UP: _("day exemptions used up this year"),
    "self_declared": _("as declared by the booker"),
}


class ZeroEmissionStatus(NamedTuple):
    """(is_zero_emission, reason). is_zero_emission is None when nobody knows.

    None means: no plate, or a plate the register does not list and no
    exemption covers; the caller then falls back on what the booker declared.
    """

    is_zero_emission: bool | None
    reason: str

    @property
    def label(self) -> str:
        return str(REASON_LABELS.get(self.reason, self.reason))


def _exemptions(plate: str, zone: Zone, day: dt.date):
    return Exemption.objects.filter(
        Q(zone__isnull=True) | Q(zone=zone),
        plate=plate,
        municipality_id=zone.municipality_id,
        valid_from__lte=day,
        valid_until__gte=day,
    ).order_by("kind", "pk")


def _days_used(plate: str, municipality_id: int, year: int) -> set[dt.date]:
    return set(
        DayExemptionUse.objects.filter(
            plate=plate, municipality_id=municipality_id, day__year=year
        ).values_list("day", flat=True)
    )


def zero_emission_status(
    plate: str, zone: Zone, day: dt.date, *, registered: RegisteredVehicle | None = None,
    lookup_register: bool = True,
) -> ZeroEmissionStatus:
    """Whether the vehicle with this plate counts as zero-emission in `zone` on `day`.

    In order: the register says zero-emission (all fuels electricity or
    hydrogen); a long-term exemption valid that day; a day exemption already
    used that day, or with days left this year (using it is the booking's
    business); otherwise what the register says, or None when it does not
    list the plate. Two to four queries.
    """
    plate = normalise_plate(plate)
    if not plate:
        return ZeroEmissionStatus(None, Reason.NO_PLATE)
    if registered is None and lookup_register:
        registered = RegisteredVehicle.objects.filter(plate=plate).first()
    if registered is not None and registered.zero_emission:
        return ZeroEmissionStatus(True, Reason.REGISTER_ZERO_EMISSION)
    exemptions = list(_exemptions(plate, zone, day))
    for exemption in exemptions:
        if exemption.kind == Exemption.Kind.LONG_TERM:
            return ZeroEmissionStatus(True, Reason.LONG_TERM_EXEMPTION)
    day_exemptions = [e for e in exemptions if e.kind == Exemption.Kind.DAY]
    if day_exemptions:
        used = _days_used(plate, zone.municipality_id, day.year)
        limit = max(e.days_per_year for e in day_exemptions)
        if day in used:
            return ZeroEmissionStatus(True, Reason.DAY_EXEMPTION_USED)
        if len(used) < limit:
            return ZeroEmissionStatus(True, Reason.DAY_EXEMPTION)
        return ZeroEmissionStatus(False, Reason.DAY_EXEMPTIONS_USED_UP)
    if registered is None:
        return ZeroEmissionStatus(None, Reason.NOT_REGISTERED)
    return ZeroEmissionStatus(False, Reason.REGISTER_NOT_ZERO_EMISSION)


def day_exemption_use(*, plate: str, zone: Zone, day: dt.date) -> DayExemptionUse:
    """Spend one of the vehicle's day exemptions in the zone's municipality on `day`.

    Using the same day twice spends it once. Refuses with DayExemptionsUsedUp
    when the year's days are gone. The capacity pattern of bookings/locking.py:
    lock the vehicle's day-exemption rows in this municipality (every user of
    this allowance takes the same locks, in primary-key order), count the days
    used from the rows, insert. On SQLite the IMMEDIATE transaction serialises.
    """
    plate = normalise_plate(plate)
    with transaction.atomic():
        candidates = _exemptions(plate, zone, day).filter(kind=Exemption.Kind.DAY)
        ids = list(candidates.values_list("pk", flat=True))
        if not ids:
            raise errors.DayExemptionsUsedUp()
        # Lock every day exemption of the plate in the municipality, not only the
        # valid ones: two valid records must not each allow the last day.
        all_ids = Exemption.objects.filter(
            plate=plate, municipality_id=zone.municipality_id, kind=Exemption.Kind.DAY
        ).values_list("pk", flat=True)
        locked = {e.pk: e for e in lock_rows(Exemption.objects.all(), all_ids)}
        valid = [locked[pk] for pk in ids if pk in locked]
        existing = DayExemptionUse.objects.filter(
            plate=plate, municipality_id=zone.municipality_id, day=day
        ).first()
        if existing is not None:
            return existing
        used = len(_days_used(plate, zone.municipality_id, day.year))
        if used >= max(e.days_per_year for e in valid):
            raise errors.DayExemptionsUsedUp()
        try:
            with transaction.atomic():
                return DayExemptionUse.objects.create(
                    plate=plate, municipality_id=zone.municipality_id, exemption=valid[0],
                    day=day,
                )
        except IntegrityError:
            # Only when locking is switched off (a test showing the race) can
            # another use of the same day slip in between; the constraint holds.
            return DayExemptionUse.objects.get(
                plate=plate, municipality_id=zone.municipality_id, day=day
            )


def stay_needs_zero_emission(*, bay: LoadingBay, start: dt.datetime, end: dt.datetime) -> bool:
    """True when some minute of the stay lies in a window open to zero-emission vehicles only."""
    day = start.astimezone(localtime.LOCAL).date()
    bay_day = bay_days([bay], day)[bay.pk]
    first = max(0, localtime.minute_of_day(day, start))
    last = min(bay_day.minutes, localtime.minute_of_day(day, end))
    return any(
        bay_day.open_to_clean[m] and not bay_day.open_to_all[m] for m in range(first, last)
    )


#: vehicle categories that no zero-emission rule concerns: no engine, no plate
NOT_SUBJECT_CATEGORIES = frozenset({"cargo_bike"})


def booking_zero_emission(*, bay: LoadingBay, start: dt.datetime, end: dt.datetime,
                          facts) -> bool:
    """Whether a stay counts as zero-emission; called by the booking service under its lock.

    `facts` are the booking's VehicleFacts (plate, category, the register's row, the
    declaration). First the zero-emission zone: a vehicle the decision refuses is refused
    with its code, and one admitted only by a day exemption spends it. Then the window:
    a plate the register knows is judged by the register and exemptions,
    over what the booker declared. A declaration never opens a zero-emission-only
    window: there a vehicle needs a plate that the register or an exemption clears (a
    cargo bike, which no such rule concerns, needs none); outside one, an unknown plate
    keeps the declaration, for the record. A refused stay says why; a day exemption is
    spent only for a stay that needs it.
    """
    plate, registered = facts.plate, facts.registered
    self_declared, category = facts.declared_zero_emission, facts.category
    if category in NOT_SUBJECT_CATEGORIES:
        return True
    day = start.astimezone(localtime.LOCAL).date()
    access = zero_emission_access(plate, bay.zone, day, registered=registered,
                                  lookup_register=False)
    if not access.allowed:
        raise errors.zone_refusal(access.code)
    if access.basis == Basis.DAY_EXEMPTION_AVAILABLE:
        # The zone admits the vehicle on this day only by a day exemption: spend it.
        day_exemption_use(plate=plate, zone=bay.zone, day=day)
        return True
    status = zero_emission_status(plate, bay.zone, day, registered=registered,
                                  lookup_register=False)
    if status.reason in (Reason.REGISTER_ZERO_EMISSION, Reason.LONG_TERM_EXEMPTION,
                         Reason.DAY_EXEMPTION_USED):
        return True
    needs = stay_needs_zero_emission(bay=bay, start=start, end=end)
    if status.is_zero_emission is None:
        if needs:
            raise errors.ZeroEmissionUnproven()
        return self_declared
    if status.reason == Reason.DAY_EXEMPTION:
        if needs:
            day_exemption_use(plate=plate, zone=bay.zone, day=day)
            return True
        # No day spent: the vehicle is what the register (or else the booker) says.
        return registered.zero_emission if registered is not None else self_declared
    if needs:
        if status.reason == Reason.DAY_EXEMPTIONS_USED_UP:
            raise errors.DayExemptionsUsedUp()
        raise errors.RegisterNotZeroEmission()
    return False


def counts_as_zero_emission(*, plate: str, category: str, zone: Zone, day: dt.date) -> bool:
    """What booking_zero_emission will answer for a zero-emission-only window, without spending
    anything: for planners (the allocation, availability) that must not offer what the
    booking service will refuse. A vehicle the zone's regime refuses counts as not clean,
    so that planners offer it no zero-emission-only time either."""
    if category in NOT_SUBJECT_CATEGORIES:
        return True
    plate = normalise_plate(plate)
    registered = RegisteredVehicle.objects.filter(plate=plate).first() if plate else None
    if not zero_emission_access(plate, zone, day, registered=registered,
                                lookup_register=False).allowed:
        return False
    return bool(zero_emission_status(plate, zone, day, registered=registered,
                                     lookup_register=False).is_zero_emission)


def may_enter_zone(*, plate: str, category: str, zone: Zone, day: dt.date) -> bool:
    """Whether a planner may send this vehicle into the zone on `day` (nothing is spent)."""
    return zero_emission_access(plate, zone, day, category=category).allowed


class Basis:
    """Why the zero-emission decision allows a vehicle."""

    ZERO_EMISSION = "zero_emission"
    TRANSITIONAL = "transitional"
    EXEMPTION = "exemption"
    DAY_EXEMPTION_AVAILABLE = "day_exemption_available"
    NOT_SUBJECT = "not_subject"
    ALL = (ZERO_EMISSION, TRANSITIONAL, EXEMPTION, DAY_EXEMPTION_AVAILABLE, NOT_SUBJECT)


class Refusal:
    """Stable refusal codes of the decision besides those the regime's rules carry."""

    NO_PLATE = "no_plate"
    NOT_REGISTERED = "not_registered"
    DAY_EXEMPTIONS_USED_UP = "day_exemptions_used_up"


BASIS_LABELS = {
    Basis.ZERO_EMISSION: _("zero-emission"),
    Basis.TRANSITIONAL: _("transitional access"),
    Basis.EXEMPTION: _("exemption"),
    Basis.DAY_EXEMPTION_AVAILABLE: _("day exemption available"),
    Basis.NOT_SUBJECT: _("not subject to the zone"),
}


@dataclass(frozen=True)
class ZeroEmissionAccess:
    """The decision for one plate in one zone on one day.

    `allowed_until` is the first day the vehicle will be refused in this zone (the
    regime's "until 1 January 2028"), None when no end is known. `code` is the stable
    refusal code: set when refused, and in the warning period, when a refused vehicle
    is allowed with `warning` set, the code it will be refused with.
    """

    allowed: bool
    basis: str | None
    allowed_until: dt.date | None = None
    code: str | None = None
    warning: bool = False
    rule: str = ""

    @property
    def basis_label(self) -> str:
        return str(BASIS_LABELS.get(self.basis, "")) if self.basis else ""


def _exemption_ends(plate: str, zone: Zone, day: dt.date) -> dt.date:
    """The day after the last day of the long-term exemptions valid on `day`."""
    last = max(e.valid_until for e in _exemptions(plate, zone, day)
               if e.kind == Exemption.Kind.LONG_TERM)
    return last + dt.timedelta(days=1)


def zero_emission_access(
    plate: str, zone: Zone, day: dt.date, *, category: str = "",
    registered: RegisteredVehicle | None = None, lookup_register: bool = True,
) -> ZeroEmissionAccess:
    """The zero-emission decision: may the vehicle with this plate enter `zone` on `day`?

    In order: a vehicle category no rule concerns (cargo bike); the register's facts
    under the national regime in force on `day` (zero-emission, not subject: passenger
    cars and national exemptions, or access until a date); the zone's own start date,
    before which everyone enters; then municipal exemptions (long-term, day) for a
    vehicle the regime refuses; then the zone's warning period. A plate the register
    does not know, or no plate at all, is refused once the regime applies: a
    declaration never clears a zero-emission zone.
    """
    if category in NOT_SUBJECT_CATEGORIES:
        return ZeroEmissionAccess(True, Basis.NOT_SUBJECT)
    plate = normalise_plate(plate)
    if registered is None and lookup_register and plate:
        registered = RegisteredVehicle.objects.filter(plate=plate).first()
    start = zone.zero_emission_from if zone.zero_emission_zone else None
    if registered is not None:
        standing = national_regime().standing(registered.regime_facts(), day)
        if standing.kind == ZERO_EMISSION:
            return ZeroEmissionAccess(True, Basis.ZERO_EMISSION)
        if standing.kind == NOT_SUBJECT:
            return ZeroEmissionAccess(True, Basis.NOT_SUBJECT, rule=standing.rule)
        until, code, rule = standing.until, standing.code, standing.rule
    else:
        until, rule = dt.date.min, ""
        code = Refusal.NOT_REGISTERED if plate else Refusal.NO_PLATE
    if start is None:
        return ZeroEmissionAccess(True, Basis.NOT_SUBJECT, rule=rule)
    ends = max(until, start)
    if day < ends:
        basis = Basis.TRANSITIONAL if day >= start else Basis.NOT_SUBJECT
        return ZeroEmissionAccess(True, basis, allowed_until=ends, rule=rule)
    if plate:
        status = zero_emission_status(plate, zone, day, registered=registered,
                                      lookup_register=False)
        if status.reason == Reason.LONG_TERM_EXEMPTION:
            return ZeroEmissionAccess(True, Basis.EXEMPTION, rule=status.reason,
                                      allowed_until=_exemption_ends(plate, zone, day))
        if status.reason == Reason.DAY_EXEMPTION_USED:
            return ZeroEmissionAccess(True, Basis.EXEMPTION, rule=status.reason)
        if status.reason == Reason.DAY_EXEMPTION:
            return ZeroEmissionAccess(True, Basis.DAY_EXEMPTION_AVAILABLE, rule=status.reason)
        if status.reason == Reason.DAY_EXEMPTIONS_USED_UP:
            code = Refusal.DAY_EXEMPTIONS_USED_UP
    if zone.zero_emission_warning_only(day):
        return ZeroEmissionAccess(True, Basis.TRANSITIONAL,
                                  allowed_until=zone.zero_emission_enforced_from, code=code,
                                  warning=True, rule=rule)
    return ZeroEmissionAccess(False, None, code=code, rule=rule)
