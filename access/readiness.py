"""Fleet readiness: for each vehicle and zero-emission zone, the day it loses access, and what
is booked after that day. Built on the one decision, zero_emission_access."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingSeries
from notifications.models import Notification
from notifications.services import in_language_of, notify
from organisations.models import Organisation, Vehicle
from places import localtime
from places.models import Zone

from .models import RegisteredVehicle
from .services import zero_emission_access

#: how many times an end date is followed (an exemption may carry access past it)
MAX_HOPS = 6


@dataclass(frozen=True)
class AccessEnd:
    """The first day (from `today`) the vehicle is refused in the zone, or None, and why."""

    day: dt.date | None
    code: str | None


_LOOK_UP = object()


def access_end(vehicle: Vehicle, zone: Zone, today: dt.date,
               registered: RegisteredVehicle | None | object = _LOOK_UP) -> AccessEnd:
    """Follow the decision's `allowed_until` from today until a day that refuses.

    `registered` is the vehicle's register row when the caller read it already (None: the
    register does not list it); left out, it is read here."""
    if registered is _LOOK_UP:
        registered = RegisteredVehicle.objects.filter(plate=vehicle.plate).first() \
            if vehicle.plate else None
    day = today
    for _hop in range(MAX_HOPS):
        access = zero_emission_access(vehicle.plate, zone, day, category=vehicle.category,
                                      registered=registered, lookup_register=False)
        if not access.allowed:
            return AccessEnd(day, access.code)
        if access.allowed_until is None or access.allowed_until <= day:
            return AccessEnd(None, None)
        day = access.allowed_until
    return AccessEnd(None, None)


@dataclass
class ZoneEnd:
    zone: Zone
    end: AccessEnd
    bookings: list[Booking] = field(default_factory=list)
    series: list[BookingSeries] = field(default_factory=list)


@dataclass
class VehicleReadiness:
    vehicle: Vehicle
    zones: list[ZoneEnd]

    @property
    def first_end(self) -> dt.date | None:
        days = [z.end.day for z in self.zones if z.end.day is not None]
        return min(days) if days else None


def zero_emission_zones():
    return Zone.objects.filter(zero_emission_zone=True, zero_emission_from__isnull=False) \
        .select_related("municipality").order_by("municipality__name", "name")


def fleet_readiness(organisation: Organisation, today: dt.date) -> list[VehicleReadiness]:
    """Each active vehicle of the organisation against each zero-emission zone."""
    vehicles = list(organisation.vehicles.filter(is_active=True).order_by("plate", "pk"))
    registered = {r.plate: r for r in RegisteredVehicle.objects.filter(
        plate__in=[v.plate for v in vehicles if v.plate])}
    zones = list(zero_emission_zones())
    result = []
    for vehicle in vehicles:
        ends = [ZoneEnd(zone, access_end(vehicle, zone, today, registered.get(vehicle.plate)))
                for zone in zones]
        for zone_end in ends:
            if zone_end.end.day is not None:
                _after(vehicle, zone_end)
        result.append(VehicleReadiness(vehicle, ends))
    return result


def _after(vehicle: Vehicle, zone_end: ZoneEnd) -> None:
    """The vehicle's bookings and series in the zone on or after the day it loses access."""
    since = localtime.day_start(zone_end.end.day)
    zone_end.bookings = list(
        Booking.objects.occupying().filter(vehicle=vehicle, bay__zone=zone_end.zone,
                                           start__gte=since)
        .select_related("bay").order_by("start"))
    zone_end.series = list(
        BookingSeries.objects.filter(vehicle=vehicle, bay__zone=zone_end.zone,
                                     until__gte=zone_end.end.day).select_related("bay"))


def zone_readiness(zone: Zone, today: dt.date, *, horizon_days: int = 90) -> list[tuple]:
    """(day, code, vehicles) for each coming day on which vehicles that book in the zone lose
    access: the vehicles of the bookings from `horizon_days` back, counted once each."""
    since = localtime.day_start(today - dt.timedelta(days=horizon_days))
    vehicle_ids = set(Booking.objects.filter(bay__zone=zone, start__gte=since)
                      .exclude(vehicle=None).values_list("vehicle_id", flat=True))
    vehicles = list(Vehicle.objects.filter(pk__in=vehicle_ids))
    registered = {r.plate: r for r in RegisteredVehicle.objects.filter(
        plate__in=[v.plate for v in vehicles if v.plate])}
    counts = Counter()
    for vehicle in vehicles:
        end = access_end(vehicle, zone, today, registered.get(vehicle.plate))
        if end.day is not None and end.day > today:
            counts[(end.day, end.code)] += 1
    return [(day, code, count) for (day, code), count in sorted(counts.items())]


#: days before a vehicle loses access that its organisation is told
NOTICE_DAYS = (90, 30)


def notify_access_ending(today: dt.date) -> int:
    """Tell each organisation, 90 and then 30 days ahead, which vehicle loses access to which
    zone, with its bookings and series after that day. Each notice is sent once (its key is
    stored in the payload), so a missed or repeated day sends nothing twice. Only zones the
    vehicle booked in (the last 90 days, or after the day it loses access) are told."""
    sent = 0
    organisations = Organisation.objects.filter(
        vehicles__is_active=True, vehicles__plate__gt="").distinct()
    for organisation in organisations:
        for row in fleet_readiness(organisation, today):
            for zone_end in row.zones:
                sent += _notice(organisation, row.vehicle, zone_end, today)
    return sent


def _notice(organisation, vehicle, zone_end: ZoneEnd, today: dt.date) -> int:
    day = zone_end.end.day
    if day is None or day <= today or (day - today).days > NOTICE_DAYS[0]:
        return 0
    recent = Booking.objects.filter(
        vehicle=vehicle, bay__zone=zone_end.zone,
        start__gte=localtime.day_start(today - dt.timedelta(days=NOTICE_DAYS[0]))).exists()
    if not (recent or zone_end.bookings or zone_end.series):
        return 0
    threshold = min(d for d in NOTICE_DAYS if (day - today).days <= d)
    key = f"{vehicle.pk}:{zone_end.zone.pk}:{day.isoformat()}:{threshold}"
    with transaction.atomic():
        if Notification.objects.filter(organisation=organisation,
                                       kind=Notification.Kind.ZERO_EMISSION_ACCESS_ENDING,
                                       payload__notice=key).exists():
            return 0
        with in_language_of(organisation):
            title = _("%(vehicle)s loses access to %(zone)s on %(day)s") % {
                "vehicle": vehicle, "zone": zone_end.zone.name, "day": day.isoformat()}
            body = _("%(bookings)s bookings and %(series)s recurring bookings after that day "
                     "will be refused.") % {"bookings": len(zone_end.bookings),
                                            "series": len(zone_end.series)}
        notify(organisation=organisation, kind=Notification.Kind.ZERO_EMISSION_ACCESS_ENDING,
               title=title, body=body, link="/portal/zero-emission/",
               payload={"notice": key, "vehicle": vehicle.pk, "zone": zone_end.zone.slug,
                        "access_ends": day.isoformat(), "code": zone_end.end.code,
                        "bookings": [b.reference for b in zone_end.bookings]})
    return 1
