"""Why a hub reservation, a chain or a planning run is refused.

Subclasses of bookings' BookingError, so every interface maps them the same
way (stable `code`, `http_status`, translated message).
"""

from django.utils.translation import gettext_lazy as _

from bookings.errors import BookingError


class HubError(BookingError):
    code = "hub_refused"
    default_message = _("This hub reservation is not possible.")


class HubInactive(HubError):
    code = "hub_inactive"
    default_message = _("This hub is not in use.")


class HubClosed(HubError):
    code = "hub_closed"
    default_message = _("The hub is closed at this time.")


class OutsideOpeningHours(HubError):
    code = "outside_opening_hours"
    default_message = _("The hub is not open for the whole of this time.")


class DockStayTooLong(HubError):
    code = "dock_stay_too_long"
    default_message = _("The dock slot is longer than this hub allows.")


class NoDoorFits(HubError):
    code = "no_door_fits"
    default_message = _("No dock door of this hub takes a vehicle this long.")


class DockFull(HubError):
    code = "dock_full"
    default_message = _("Every dock door that fits this vehicle is taken at this time.")
    http_status = 409


class ShareUsedUp(HubError):
    code = "share_used_up"
    default_message = _("This municipality's share of the dock doors is used up at this time.")
    http_status = 409


class MunicipalityRequired(HubError):
    code = "municipality_required"
    default_message = _(
        "This hub's dock doors are shared among municipalities: say for which municipality "
        "the goods are."
    )


class MunicipalityNotSharing(HubError):
    code = "municipality_not_sharing"
    default_message = _("This municipality has no share in this hub.")


class MunicipalityNotAllowed(HubError):
    code = "municipality_not_allowed"
    default_message = _("A municipality's organisation can only use its own share of a hub.")
    http_status = 403


class StorageFull(HubError):
    code = "storage_full"
    default_message = _("Not enough pallet places are free on every day asked for.")
    http_status = 409


class InvalidReservationState(HubError):
    code = "invalid_state"
    default_message = _("The reservation cannot change from its current status.")
    http_status = 409


class ChainOrder(HubError):
    code = "chain_order"
    default_message = _(
        "The last-mile delivery must start after the inbound slot ends "
        "plus the hub's handling time."
    )


class NotZeroEmission(HubError):
    code = "not_zero_emission"
    default_message = _("The last mile into the zone is driven by a zero-emission vehicle.")


class NotACollector(HubError):
    code = "not_a_collector"
    http_status = 422
    default_message = _("Only a waste collector's day can be planned; choose a waste collector.")


class NotOnOwnBehalf(HubError):
    """Booking a delivery for another organisation would hand it a booking it never asked for,
    and let the caller move and cancel it; Venster records no consent to carry for another."""

    code = "not_on_own_behalf"
    default_message = _(
        "A chain's last mile is booked by its carrier itself: name your own organisation as "
        "last-mile operator, or none."
    )


class RecipientNotAShop(HubError):
    code = "recipient_not_a_shop"
    default_message = _("The receiving organisation must be a shop, or your own organisation.")
