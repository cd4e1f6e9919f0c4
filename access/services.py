"""Is this vehicle zero-emission here on this day? The register and exemptions decide.

`zero_emission_status` answers the question; `booking_zero_emission` is what
the booking service asks when it books or moves a stay, and it consumes a day
exemption when the stay needs one.
"""

from __future__ import annotations

import datetime as dt
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
    declaration). A plate the register knows is judged by the register and exemptions,
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
    booking service will refuse."""
    if category in NOT_SUBJECT_CATEGORIES:
        return True
    return bool(zero_emission_status(plate, zone, day).is_zero_emission)
