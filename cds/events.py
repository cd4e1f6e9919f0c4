"""Check-ins and check-outs as CDS Curb Events (Events API 1.0).

A check-in is a `park_start`, a check-out a `park_end`, at the bay's Curb
Zone. No licence plate, organisation or person is published: the recording
"device" is the bay's booking register, never the vehicle.
"""

from __future__ import annotations

from django.db.models import Max
from django.db.models.functions import Coalesce

from access.models import RegisteredVehicle
from bookings.models import Booking
from bookings.selectors import to_cm
from organisations.models import Organisation, Vehicle

from . import ids
from .query import to_millis

PAGE_SIZE = 500

VEHICLE_TYPES = {
    Vehicle.Category.CARGO_BIKE: "cargo_bicycle",
    Vehicle.Category.LIGHT_EV: "other",
    Vehicle.Category.VAN: "van",
    Vehicle.Category.TRUCK: "truck",
}


def _propulsion(booking: Booking, fuels: dict[str, list[str]]) -> list[str]:
    """From the register when it lists the plate, else from the booking's zero-emission flag."""
    registered = fuels.get(booking.plate)
    if registered:
        types = []
        if any(f in ("Elektriciteit", "Waterstof") for f in registered):
            types.append("electric")
        if any(f not in ("Elektriciteit", "Waterstof") for f in registered):
            types.append("combustion")
        return types
    return ["electric"] if booking.zero_emission else ["combustion"]


def _purpose(booking: Booking) -> str:
    if booking.organisation.kind == Organisation.Kind.WASTE_COLLECTOR:
        return "waste_management"
    return "delivery"


def _event(booking: Booking, event_type: str, at, fuels) -> dict:
    bay = booking.bay
    vehicle = booking.vehicle
    return {
        "event_id": ids.event_id(booking.pk, event_type),
        "event_type": event_type,
        "event_purpose": _purpose(booking),
        "event_location": {
            "type": "Feature",
            "properties": {"timestamp": to_millis(at)},
            "geometry": {"type": "Point", "coordinates": [bay.longitude, bay.latitude]},
        },
        "event_time": to_millis(at),
        "event_publication_time": to_millis(at),
        "curb_zone_id": ids.curb_zone_id(bay.pk),
        "curb_area_ids": [ids.curb_area_id(bay.zone_id)],
        "data_source_type": "data_feed",
        # No data_source_operator_id: its values come from the OMF registry
        # (data_source_operators.csv), where Venster is not listed; CDS lets a source
        # give a consistent name instead (events/README.md).
        "data_source_operator_name": "Venster",
        "data_source_device_id": ids.device_id(bay.pk),
        "vehicle_length": to_cm(booking.vehicle_length_m),
        "vehicle_type": VEHICLE_TYPES.get(vehicle.category, "unspecified") if vehicle
        else "unspecified",
        "vehicle_propulsion_types": _propulsion(booking, fuels),
    }


def event_bookings(*, zone_pk: int | None = None, bay_pk: int | None = None):
    bookings = Booking.objects.filter(checked_in_at__isnull=False)
    if zone_pk is not None:
        bookings = bookings.filter(bay__zone_id=zone_pk)
    if bay_pk is not None:
        bookings = bookings.filter(bay_id=bay_pk)
    return bookings


def query_events(bookings, *, page: int) -> tuple[list[dict], bool]:
    """One page of events, most recent first; True when there is a next page.

    Pages are cut by booking (each gives one or two events), ordered by the
    booking's latest event; three queries a page.
    """
    rows = list(
        bookings.select_related("bay", "vehicle", "organisation")
        .annotate(latest_event=Coalesce("checked_out_at", "checked_in_at"))
        .order_by("-latest_event", "-pk")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    plates = {b.plate for b in rows if b.plate}
    fuels = dict(RegisteredVehicle.objects.filter(plate__in=plates).values_list("plate", "fuels"))
    events = []
    for booking in rows:
        events.append(_event(booking, "park_start", booking.checked_in_at, fuels))
        if booking.checked_out_at:
            events.append(_event(booking, "park_end", booking.checked_out_at, fuels))
    events.sort(key=lambda e: e["event_time"], reverse=True)
    return events, more


def last_event_time():
    latest = Booking.objects.aggregate(
        checked_in=Max("checked_in_at"), checked_out=Max("checked_out_at")
    )
    return max((v for v in latest.values() if v is not None), default=None)
