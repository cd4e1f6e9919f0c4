"""A small zone's day of requests, made directly (the cut-off is request_submit's test)."""

import datetime as dt
from decimal import Decimal

from bookings.models import Booking, BookingRequest
from bookings.services import new_reference
from places import localtime
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory, ZoneFactory


def a_zone_with_bays(count=2, **bay_fields):
    zone = ZoneFactory()
    fields = {"kerb_length_m": Decimal("14"), "max_vehicles": 2, **bay_fields}
    return zone, [BayFactory(zone=zone, **fields) for _ in range(count)]


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return localtime.make_local(day, dt.time(hours, minutes))


def a_request(zone, bays, day, *, earliest="08:00", latest="10:00", preferred=None,
              duration=30, organisation=None, vehicle=None, weight=1, length="6",
              zero_emission=False):
    organisation = organisation or (vehicle.organisation if vehicle else OrganisationFactory())
    request = BookingRequest.objects.create(
        reference="R" + new_reference()[1:], zone=zone, organisation=organisation,
        vehicle=vehicle, vehicle_length_m=vehicle.length_m if vehicle else Decimal(length),
        vehicle_mass_kg=None if vehicle else 3500,
        zero_emission=vehicle.zero_emission if vehicle else zero_emission, day=day,
        earliest_start=at(day, earliest), latest_end=at(day, latest),
        preferred_start=at(day, preferred or earliest), duration_minutes=duration,
        weight=weight, channel=Booking.Channel.API,
    )
    request.bays.set(bays)
    return request


def a_vehicle(**fields):
    return VehicleFactory(**{"length_m": Decimal("6"), **fields})


def occupied_minutes(bay, day):
    """(count, centimetres) per minute from the stored bookings: the ground truth."""
    from bookings.selectors import bay_days

    bay_day = bay_days([bay], day)[bay.pk]
    return bay_day.count, bay_day.length_cm
