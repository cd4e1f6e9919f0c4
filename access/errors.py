"""Why a booking is refused on zero-emission grounds.

Both are ZeroEmissionOnly, so every interface that already maps that error
keeps working; the codes and messages say more.
"""

from django.utils.translation import gettext_lazy as _

from bookings.errors import ZeroEmissionOnly


class RegisterNotZeroEmission(ZeroEmissionOnly):
    code = "register_not_zero_emission"
    default_message = _(
        "At this time the bay is open to zero-emission vehicles only, and the national "
        "vehicle register (RDW) lists this vehicle with a fuel that is not electricity or "
        "hydrogen. An exemption from the municipality would allow it."
    )


class DayExemptionsUsedUp(ZeroEmissionOnly):
    code = "day_exemptions_used_up"
    default_message = _(
        "At this time the bay is open to zero-emission vehicles only, and this vehicle has "
        "used all its day exemptions in this municipality for this year."
    )


class ZeroEmissionUnproven(ZeroEmissionOnly):
    code = "zero_emission_unproven"
    default_message = _(
        "At this time the bay is open to zero-emission vehicles only, and only a licence plate "
        "that the national vehicle register (RDW) or an exemption clears counts: book with the "
        "vehicle's plate."
    )


class ZeroEmissionZoneRefused(ZeroEmissionOnly):
    """The national regime refuses the vehicle in this zero-emission zone on this day."""

    code = "zero_emission_zone_refused"
    default_message = _(
        "This bay lies in a zero-emission zone, and on this day the national regime does not "
        "admit this vehicle. An exemption from the municipality would allow it."
    )


class ZoneNoPlate(ZeroEmissionZoneRefused):
    code = "no_plate"
    default_message = _(
        "This bay lies in a zero-emission zone: book with the vehicle's licence plate, so that "
        "the national vehicle register (RDW) or an exemption can clear it."
    )


class ZoneNotRegistered(ZeroEmissionZoneRefused):
    code = "not_registered"
    default_message = _(
        "This bay lies in a zero-emission zone, and the national vehicle register (RDW) does not "
        "list this licence plate; no exemption covers it."
    )


class RegisteredFrom2025NotZeroEmission(ZeroEmissionZoneRefused):
    code = "registered_from_2025_not_zero_emission"
    default_message = _(
        "This bay lies in a zero-emission zone: a van or truck first registered on or after "
        "1 January 2025 must be zero-emission."
    )


class VanEmissionClassTooLow(ZeroEmissionZoneRefused):
    code = "van_emission_class_too_low"
    default_message = _(
        "This bay lies in a zero-emission zone: vans of emission class 4 or lower have no access."
    )


class VanTransitionEnded(ZeroEmissionZoneRefused):
    code = "van_transition_ended"
    default_message = _(
        "This bay lies in a zero-emission zone, and the transitional access of this van (by its "
        "emission class) has ended."
    )


class TruckTransitionEnded(ZeroEmissionZoneRefused):
    code = "truck_transition_ended"
    default_message = _(
        "This bay lies in a zero-emission zone, and the transitional access of this truck (by "
        "its first registration and body type) has ended."
    )


class TruckNotInTransition(ZeroEmissionZoneRefused):
    code = "truck_not_in_transition"
    default_message = _(
        "This bay lies in a zero-emission zone: trucks below emission class VI, and older trucks "
        "than the transitional rules admit, have no access."
    )


class OnlyZeroEmissionFrom2030(ZeroEmissionZoneRefused):
    code = "only_zero_emission_from_2030"
    default_message = _(
        "This bay lies in a zero-emission zone: from 1 January 2030 only zero-emission vans and "
        "trucks have access."
    )


class ZoneDayExemptionsUsedUp(ZeroEmissionZoneRefused):
    code = "day_exemptions_used_up"
    default_message = _(
        "This bay lies in a zero-emission zone that does not admit this vehicle, and it has "
        "used all its day exemptions in this municipality for this year."
    )


def zone_refusal(code: str | None) -> ZeroEmissionZoneRefused:
    """The error for a refusal code of the zero-emission decision; unknown codes (a rule added
    to the regime's data) keep the general error and say the code as `reason`."""
    for cls in _zone_refusals(ZeroEmissionZoneRefused):
        if cls.code == code:
            return cls(reason=code)
    return ZeroEmissionZoneRefused(reason=code or "")


def _zone_refusals(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _zone_refusals(sub)
