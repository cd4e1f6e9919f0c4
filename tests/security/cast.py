"""The cast of the security tests: two towns, every kind of organisation, one person per role.

Leiden holds the objects that the tests reach for; Gouda has its own admin, who
must not reach Leiden's. Everything is made with the factories and the services,
so the objects are the ones the app makes itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from api.services import api_key_create
from bookings.models import BookingSeries, WaitlistEntry
from bookings.requests import request_submit
from bookings.services import booking_create
from hubs.models import PlannedRoute, PlanningRun
from hubs.services.chains import chain_create
from hubs.services.docks import dock_reservation_create, storage_reservation_create
from hubs.services.pickups import pickup_request_create
from notifications.models import Notification
from organisations.models import Membership, Organisation
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    CollectorVehicleFactory,
    HubFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
    ZoneFactory,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

SATURDAY = FRIDAY + dt.timedelta(days=1)
ADMIN_APPS = ["places", "bookings", "organisations", "hubs"]

# The roles of the matrix, in the order of its columns.
ROLES = ("anonymous", "shopkeeper", "carrier_key", "carrier_session", "collector",
         "leiden_admin", "gouda_admin", "enforcer", "superuser")


def _member(organisation, role=Membership.Role.MANAGER, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _municipal_admin(username, municipality):
    """Staff of a municipality's organisation with the model permissions the demo gives them."""
    organisation = OrganisationFactory(name=f"Gemeente {municipality.name}",
                                       kind=Organisation.Kind.MUNICIPALITY,
                                       municipality=municipality)
    user = _member(organisation, username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    return user, organisation


@dataclass
class Cast:
    leiden: object
    gouda: object
    zone: object
    bay: object
    gouda_zone: object
    gouda_bay: object
    closure: object
    carrier: object
    van: object
    booking: object
    booking_request: object
    waitlist_entry: object
    shop_waitlist_entry: object
    webhook_endpoint: object
    webhook_delivery: object
    shop: object
    shop_booking: object
    shop_request: object
    series: object
    pickup: object
    collector: object
    route: object
    hub: object
    dock_reservation: object
    storage_reservation: object
    chain: object
    notification: object
    api_key: str
    api_key_record: object
    users: dict = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role == "carrier_key":
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.api_key}")
        elif role != "anonymous":
            client.force_login(self.users[role])
        return client


def make_cast() -> Cast:
    """Build the cast; the clock must be frozen (`frozen_now`) on the Friday of conftest."""
    leiden = MunicipalityFactory(name="Leiden", slug="leiden", cbs_code="GM0546")
    gouda = MunicipalityFactory(name="Gouda", slug="gouda", cbs_code="GM0513")
    zone = ZoneFactory(municipality=leiden, name="Centrum Leiden", slug="centrum-leiden")
    bay = BayFactory(zone=zone, code="LE-001", kerb_length_m=Decimal("14"), max_vehicles=2)
    gouda_zone = ZoneFactory(municipality=gouda, name="Centrum Gouda", slug="centrum-gouda")
    gouda_bay = BayFactory(zone=gouda_zone, code="GO-001", street="Markt")
    closure = Closure.objects.create(zone=zone, reason=Closure.Reason.MARKET,
                                     start_date=SATURDAY + dt.timedelta(days=7),
                                     end_date=SATURDAY + dt.timedelta(days=7))

    carrier = OrganisationFactory(name="Snel Bezorgd", slug="snel-bezorgd")
    van = VehicleFactory(organisation=carrier, length_m=Decimal("6"), zero_emission=True)
    booking = booking_create(bay=bay, organisation=carrier, vehicle=van,
                             start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    booking_request = request_submit(
        organisation=carrier, zone=zone, earliest_start=at(SATURDAY, "09:00"),
        latest_end=at(SATURDAY, "10:30"), duration_minutes=30, bays=[bay], vehicle=van)
    waitlist_entry = WaitlistEntry.objects.create(
        organisation=carrier, bay=bay, vehicle=van, vehicle_length_m=Decimal("6"),
        zero_emission=True, start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    webhook_endpoint = WebhookEndpoint.objects.create(organisation=carrier,
                                                      url="https://carrier.invalid/hook")
    event = WebhookEvent.objects.create(message_id="msg-security-1", organisation=carrier,
                                        event_type="booking.confirmed", payload={})
    webhook_delivery = WebhookDelivery.objects.create(event=event, endpoint=webhook_endpoint)
    api_key_record, key = api_key_create(organisation=carrier, name="matrix")

    shop = OrganisationFactory(name="Boekhandel", slug="boekhandel", kind=Organisation.Kind.SHOP,
                               latitude=52.158, longitude=4.492)
    shop_booking = booking_create(bay=bay, organisation=shop, vehicle_length_m=Decimal("4"),
                                  vehicle_mass_kg=3500,
                                  zero_emission=True, start=at(SATURDAY, "09:00"),
                                  end=at(SATURDAY, "09:30"))
    # The bay's second place at 08:00, so that the carrier can only wait for it.
    booking_create(bay=bay, organisation=shop, vehicle_length_m=Decimal("4"),
                   vehicle_mass_kg=3500, zero_emission=True,
                   start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    shop_waitlist_entry = WaitlistEntry.objects.create(
        organisation=shop, bay=bay, vehicle_length_m=Decimal("4"), zero_emission=True,
        start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"))
    shop_request = request_submit(
        organisation=shop, zone=zone, earliest_start=at(SATURDAY, "09:00"),
        latest_end=at(SATURDAY, "10:30"), duration_minutes=30, bays=[bay],
        vehicle_length_m=Decimal("4"), vehicle_mass_kg=3500, zero_emission=True)
    series = BookingSeries.objects.create(
        organisation=shop, bay=bay, vehicle_length_m=Decimal("4"),
        vehicle_mass_kg=3500, zero_emission=True,
        weekdays=[5], start_time=dt.time(10), duration_minutes=30, first_day=SATURDAY,
        until=SATURDAY + dt.timedelta(days=14))
    pickup = pickup_request_create(organisation=shop, stream="paper_cardboard", volume_litres=240,
                                   day=SATURDAY, window_start=dt.time(7),
                                   window_end=dt.time(11), bay=bay)

    collector_vehicle = CollectorVehicleFactory()
    collector = collector_vehicle.vehicle.organisation
    hub = HubFactory()
    hub.municipalities.add(leiden)
    run = PlanningRun.objects.create(collector=collector, day=SATURDAY,
                                     status=PlanningRun.Status.APPLIED,
                                     trigger=PlanningRun.Trigger.MANUAL)
    route = PlannedRoute.objects.create(run=run, vehicle=collector_vehicle, depot=hub,
                                        start=at(SATURDAY, "07:00"), end=at(SATURDAY, "09:00"),
                                        distance_m=12000, trips=1)
    dock_reservation = dock_reservation_create(
        hub=hub, organisation=carrier, start=at(SATURDAY, "08:00"), end=at(SATURDAY, "08:30"),
        vehicle=van, municipality=leiden)
    storage_reservation = storage_reservation_create(
        hub=hub, organisation=carrier, pallets=2, start_date=SATURDAY, end_date=SATURDAY)
    # The delivery before 11:00, while the bay is open to every vehicle.
    chain = chain_create(
        hub=hub, organisation=carrier, inbound_start=at(SATURDAY, "07:00"),
        inbound_end=at(SATURDAY, "07:30"), vehicle_length_m=Decimal("12"), delivery_bay=bay,
        delivery_start=at(SATURDAY, "09:30"), delivery_end=at(SATURDAY, "09:50"),
        delivery_vehicle=van, recipient=shop, goods_litres=400)
    notification = Notification.objects.create(
        organisation=carrier, kind=Notification.Kind.BOOKING_CONFIRMED,
        title=f"Booking {booking.reference} confirmed")

    leiden_admin, leiden_org = _municipal_admin("beheer-leiden", leiden)
    gouda_admin, _gouda_org = _municipal_admin("beheer-gouda", gouda)
    users = {
        "shopkeeper": _member(shop, username="winkelier"),
        "carrier_session": _member(carrier, Membership.Role.PLANNER, username="planner"),
        "collector": _member(collector, username="inzamelaar"),
        "leiden_admin": leiden_admin,
        "gouda_admin": gouda_admin,
        "enforcer": _member(leiden_org, Membership.Role.ENFORCER, username="handhaver"),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    return Cast(
        leiden=leiden, gouda=gouda, zone=zone, bay=bay, gouda_zone=gouda_zone,
        gouda_bay=gouda_bay, closure=closure, carrier=carrier, van=van, booking=booking,
        booking_request=booking_request, waitlist_entry=waitlist_entry,
        shop_waitlist_entry=shop_waitlist_entry,
        webhook_endpoint=webhook_endpoint, webhook_delivery=webhook_delivery, shop=shop,
        shop_booking=shop_booking, shop_request=shop_request, series=series, pickup=pickup,
        collector=collector, route=route, hub=hub, dock_reservation=dock_reservation,
        storage_reservation=storage_reservation, chain=chain, notification=notification,
        api_key=key, api_key_record=api_key_record, users=users,
    )
