"""Why a booking is refused: one typed error per reason, each with a stable code.

Every interface maps these to its own form: a form error in the portal, a
problem document in the API (409 for a full bay), a result in a task.
"""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    code = "booking_refused"
    default_message = _("This booking is not possible.")
    http_status = 422

    def __init__(self, message=None, **details):
        self.message = str(message or self.default_message)
        self.details = details
        super().__init__(self.message)


class EndBeforeStart(BookingError):
    code = "end_before_start"
    default_message = _("The booking must end after it starts.")


class InThePast(BookingError):
    code = "in_the_past"
    default_message = _("This time has already passed.")


class TooFarAhead(BookingError):
    code = "too_far_ahead"
    default_message = _("This bay cannot be booked that far ahead.")


class TooLate(BookingError):
    code = "too_late"
    default_message = _("It is too late to book this time.")


class StayTooLong(BookingError):
    code = "stay_too_long"
    default_message = _("The stay is longer than this zone allows.")


class NotOnGrid(BookingError):
    code = "not_on_grid"
    default_message = _("Bookings start and end on whole minutes.")


class OutsideWindow(BookingError):
    code = "outside_window"
    default_message = _("The bay is not open for loading at this time.")


class ZeroEmissionOnly(BookingError):
    code = "zero_emission_only"
    default_message = _("At this time the bay is open to zero-emission vehicles only.")


class BayClosed(BookingError):
    code = "bay_closed"
    default_message = _("The bay is closed at this time.")


class VehicleTooLong(BookingError):
    code = "vehicle_too_long"
    default_message = _("The vehicle is too long for this bay.")


class VehicleTooHeavy(BookingError):
    code = "vehicle_too_heavy"
    default_message = _("The vehicle is too heavy for this zone.")


class VehicleMassRequired(BookingError):
    """A vehicle without a plate is judged by what the booker declares: where the zone or bay
    limits mass, that includes its maximum mass."""

    code = "vehicle_mass_required"
    default_message = _("Give the vehicle's maximum mass: this zone limits the mass of "
                        "vehicles.")


class BayInactive(BookingError):
    code = "bay_inactive"
    default_message = _("This bay is not in use.")


class BayFull(BookingError):
    code = "bay_full"
    default_message = _("The bay is full at this time.")
    http_status = 409


class HeldForWaitlist(BookingError):
    code = "held_for_waitlist"
    default_message = _("This time is held for a carrier on the waitlist; try again after "
                        "the offer ends.")
    http_status = 409


class VehicleBusy(BookingError):
    code = "vehicle_busy"
    default_message = _("This vehicle is already booked elsewhere at this time.")
    http_status = 409


class UnknownVehicle(BookingError):
    """The vehicle is not one of the booker's own: another organisation's answers the same as
    one that does not exist, so that no booker learns what others drive."""

    code = "unknown_vehicle"
    default_message = _("Your organisation has no such vehicle.")


class InvalidLocalTime(BookingError):
    code = "invalid_local_time"
    default_message = _("This local time does not exist or happens twice.")


class InvalidState(BookingError):
    code = "invalid_state"
    default_message = _("The booking cannot change from its current status.")
    http_status = 409


class SeriesEnded(BookingError):
    code = "series_ended"
    default_message = _("This recurring booking has ended.")
    http_status = 409


class CheckInNotOpen(BookingError):
    code = "check_in_not_open"
    default_message = _("Check-in has not opened yet for this booking.")
    http_status = 409

    def __init__(self, *, minutes: int, **details):
        message = _("Check-in opens %(minutes)s minutes before the booking starts.")
        super().__init__(message % {"minutes": minutes}, minutes=minutes, **details)


class CheckInClosed(BookingError):
    code = "check_in_closed"
    default_message = _("The booking has ended: check-in is closed.")
    http_status = 409


class QuotaExceeded(BookingError):
    code = "quota_exceeded"
    default_message = _(
        "Your organisation has reached its daily quota of kerb minutes in this zone."
    )
    http_status = 409


class RequestError(BookingError):
    code = "request_refused"
    default_message = _("This booking request is not possible.")


class AfterCutoff(RequestError):
    code = "after_cutoff"
    default_message = _(
        "Requests for this day closed at the zone's cut-off; book directly instead."
    )


class InvalidRequestWindow(RequestError):
    code = "invalid_request_window"
    default_message = _("The duration does not fit between the earliest start and the latest end.")


class NoAcceptedBays(RequestError):
    code = "no_accepted_bays"
    default_message = _("Name at least one active bay of this zone that fits the vehicle.")


class AlternativeNotOffered(BookingError):
    """Only a time offered to an affected booking can be taken with one action; any other
    move goes through a reschedule."""

    code = "alternative_not_offered"
    default_message = _("This bay and time were not offered as an alternative for this booking.")


class AlternativeNoLongerFree(BookingError):
    code = "alternative_no_longer_free"
    default_message = _("This alternative is no longer free; choose another or move the booking.")
    http_status = 409
