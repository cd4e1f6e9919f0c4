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
