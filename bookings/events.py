"""What the booking service tells the outside world, inside the booking's own transaction.

The webhook outbox row (and a waitlist offer) commit or roll back with the
booking; delivery happens after the commit.
"""

from __future__ import annotations

from places import localtime

from .models import Booking


def booking_payload(booking: Booking) -> dict:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "bay": booking.bay.code,
        "bay_id": booking.bay_id,
        "start": booking.start.astimezone(localtime.LOCAL).isoformat(),
        "end": booking.end.astimezone(localtime.LOCAL).isoformat(),
        "vehicle_id": booking.vehicle_id,
        "plate": booking.plate,
    }


def booking_confirmed(booking: Booking) -> Booking:
    from webhooks.services import publish_event

    publish_event(booking.organisation, "booking.confirmed", booking_payload(booking))
    return booking


def status_changed(booking: Booking, *, now=None) -> None:
    """After a status change under lock: a cancellation is announced and frees room."""
    if booking.status != Booking.Status.CANCELLED:
        return
    from webhooks.services import publish_event

    from .waitlist import offer_freed_room

    publish_event(booking.organisation, "booking.cancelled", booking_payload(booking))
    offer_freed_room(booking, now=now)
