"""The Leiden demo as the walk meets it, plus one of everything a page can show.

`places.demo.load` and a planned collector's day give most pages their content; a
booking series, a booking request, a pickup and API keys complete the shop's and
the carrier's pages, so that every page with an object in its URL has one to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from api.services import api_key_create
from bookings.models import Booking, BookingRequest, BookingSeries, WaitlistEntry
from bookings.requests import request_submit
from hubs import demo as hubs_demo
from hubs.models import PickupRequest, PlannedRoute
from organisations.selectors import organisation_of
from places import demo, localtime
from places.models import Closure, LoadingBay, Zone
from portal import services as portal_services

# The demo's cast: who signs in, by username (the password is demo.DEMO_PASSWORD).
ROLES = ["winkel", "vervoerder", "inzamelaar", "gemeente", "beheer-gouda", "handhaver"]


@dataclass
class World:
    """What fills the URL kwargs of a role's pages: one object of each kind, by name."""

    objects: dict[str, dict[str, object]] = field(default_factory=dict)

    def of(self, username: str) -> dict[str, object]:
        return self.objects.setdefault(username, {})


def load_world() -> World:
    today = localtime.now().date()
    demo.load(today=today, log=lambda *_: None)
    hubs_demo.plan(today=today, seconds=1, log=lambda *_: None)
    world = World()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    for username in ("winkel", "vervoerder"):
        organisation = organisation_of(users[username])
        _shop_things(world.of(username), organisation, users[username], today)
    collector = organisation_of(users["inzamelaar"])
    world.of("inzamelaar")["route"] = PlannedRoute.objects.filter(run__collector=collector).first()
    for username in ("gemeente", "beheer-gouda"):
        _municipal_things(world.of(username), organisation_of(users[username]).municipality)
    # Anyone may read a zone's rules page: the Leiden centre's, as a municipality links it.
    world.of("anonymous")["zone"] = Zone.objects.filter(
        municipality__slug="leiden").order_by("pk").first()
    return world


def _shop_things(things, organisation, user, today: dt.date) -> None:
    bay = LoadingBay.objects.filter(zone__slug="leiden-centrum").order_by("code").first()
    day = demo.demo_day(today) + dt.timedelta(days=1)
    if day.weekday() == 6:
        day += dt.timedelta(days=1)
    result = portal_services.book_series(
        token=portal_services.new_form_token(), organisation=organisation, user=user, bay=bay,
        weekdays=[day.weekday()], start_time=dt.time(7, 30), duration_minutes=20,
        first_day=day, until=day + dt.timedelta(days=14), vehicle_length_m=Decimal("6"),
        vehicle_mass_kg=3500,
        zero_emission=True,
    )
    things["series"] = result.series
    things["booking"] = (Booking.objects.filter(organisation=organisation,
                                                status__in=Booking.OCCUPYING)
                         .order_by("-series", "start").first())
    request_submit(
        organisation=organisation, zone=bay.zone, bays=[bay], duration_minutes=30,
        earliest_start=localtime.make_local(day, dt.time(8)),
        latest_end=localtime.make_local(day, dt.time(10)),
        vehicle_length_m=Decimal("6"),
        vehicle_mass_kg=3500, zero_emission=True, channel=Booking.Channel.PORTAL,
    )
    things["request"] = BookingRequest.objects.filter(organisation=organisation).first()
    things["pickup"] = PickupRequest.objects.filter(organisation=organisation).first()
    things["api_key"], _secret = api_key_create(organisation=organisation, name="Planning")
    things["waiting"], things["offer"] = _waitlist_things(organisation, bay, day)
    assert BookingSeries.objects.filter(organisation=organisation).exists()


def _waitlist_things(organisation, bay, day: dt.date):
    """One entry waiting and one whose offer holds its time, as the waitlist page shows them."""
    def entry(start: dt.time, **fields):
        begins = localtime.make_local(day, start)
        return WaitlistEntry.objects.create(
            organisation=organisation, bay=bay, vehicle_length_m=Decimal("6"),
            zero_emission=True, start=begins, end=localtime.later(begins, 30), **fields)

    now = localtime.now()
    return entry(dt.time(9)), entry(dt.time(10), status=WaitlistEntry.Status.OFFERED,
                                    offered_at=now, offer_expires_at=localtime.later(now, 60))


def _municipal_things(things, municipality) -> None:
    zone = Zone.objects.filter(municipality=municipality).order_by("pk").first()
    things["zone"] = zone
    things["bay"] = zone.bays.order_by("code").first()
    things["closure"] = (Closure.objects.filter(zone=zone).first()
                         or Closure.objects.create(zone=zone, reason=Closure.Reason.ROADWORKS,
                                                   start_date=dt.date(2027, 3, 1),
                                                   end_date=dt.date(2027, 3, 5),
                                                   description="Werk aan de weg"))
