"""No organisation acts for another: every write that names another's object is refused.

Every write endpoint is listed here, and the list is checked against the project itself:
every POST, PUT, PATCH and DELETE of the OpenAPI schema under /api/v1/ (with every field
of its request body), and every other route whose view takes a POST (portal, console,
enforcement, hubs, sign-in pages; the URL resolver gives them). A new endpoint, or a new
body field, without a line here fails `test_every_write_endpoint_is_tried` or
`test_every_field_that_names_an_object_is_tried`.

Each case names, in the body or in the address, an object held by another organisation
(or, for municipal staff, another municipality) of the cast (cast.py): the carrier's van,
booking, request, waitlist entry, webhook endpoint, API key, notification, dock and storage
reservations and last-mile chain; the shop's booking, request, series and pickup; the
collector and its vehicle; Leiden's zone, bay and closure for Gouda's admin. It asserts
the refusal (a 4xx problem document in the API, a form error or 404 in the pages) and that
no row of any tracked table (rows.py) was written or changed.

Some body fields name objects that are shared by design; SHARED says which and why. The
admin (staff of a municipality, with Django's model permissions and the scoping of
console/scoping.py) is left to test_access_matrix.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from api.exceptions import PROBLEM_CONTENT_TYPE
from api.models import OrganisationAPIKey
from bookings import errors as booking_errors
from bookings.recurring import booking_series_create
from bookings.requests import request_submit
from bookings.services import booking_create
from bookings.waitlist import waitlist_join
from hubs import errors as hub_errors
from hubs.services.chains import chain_create
from hubs.services.docks import dock_reservation_create
from places import localtime
from tests.conftest import at
from tests.security.cast import SATURDAY
from tests.security.routes import route_views
from tests.security.rows import changed_tables, snapshot

WRITES = ("post", "put", "patch", "delete")
SATURDAY_ISO = SATURDAY.isoformat()


def iso(hhmm: str) -> str:
    return at(SATURDAY, hhmm).isoformat()


@dataclass(frozen=True)
class Refused:
    """`role` sends `body` to `address`, naming another's object in `names` ("url": the
    address); the answer is `status` and nothing changes."""

    role: str
    address: Callable
    body: Callable | None
    names: str
    status: int
    method: str = "post"


@dataclass(frozen=True)
class Ignored:
    """A field that could name another organisation is not read at all: the write is done
    for the caller, and `check` shows what it wrote is the caller's own."""

    role: str
    address: Callable
    body: Callable
    names: str
    status: int
    check: Callable
    may_change: tuple = ()
    method: str = "post"


@dataclass(frozen=True)
class NamesNoObjects:
    """A page that takes a POST but no object of an organisation: sent ids of others'
    objects under every name this file knows, it changes nothing."""

    role: str
    why: str
    address: Callable | None = None
    extra: dict = field(default_factory=dict)


# --- The bodies: valid, but for the one field that names another's object -------------------

def booking_body(c, **changes):
    return {"bay": c.bay.pk, "start": iso("12:00"), "end": iso("12:30"),
            "vehicle_length_m": "4", "vehicle_mass_kg": 3500, "zero_emission": True, **changes}


def request_body(c, **changes):
    return {"zone": c.zone.slug, "earliest_start": iso("12:00"), "latest_end": iso("13:00"),
            "duration_minutes": 30, "bays": [c.bay.pk], "vehicle_length_m": "4",
            "vehicle_mass_kg": 3500,
            "zero_emission": True, **changes}


def waitlist_body(c, **changes):
    # The bay is full at 08:00 (the carrier's booking and the shop's), so waiting is allowed.
    return {"bay": c.bay.pk, "start": iso("08:00"), "end": iso("08:30"),
            "vehicle_length_m": "4", "vehicle_mass_kg": 3500, "zero_emission": True, **changes}


def chain_body(c, **changes):
    return {"hub": c.hub.pk, "inbound_start": iso("12:00"), "inbound_end": iso("12:30"),
            "vehicle_length_m": "12", "delivery_vehicle_mass_kg": 3500, "delivery_bay": c.bay.pk,
            "delivery_start": iso("13:30"), "delivery_end": iso("13:50"), **changes}


def dock_body(c, **changes):
    return {"hub": c.hub.pk, "start": iso("12:00"), "end": iso("12:30"),
            "vehicle_length_m": "12", **changes}


def collector_vehicle(c):
    return c.route.vehicle.vehicle


def carrier_key(c):
    return OrganisationAPIKey.objects.get(organisation=c.carrier)


def owned_by(role_org: Callable, label: str, key: str = "organisation_id"):
    """A check that every row of `label` written by the case belongs to the caller."""
    def check(c, before, after):
        from django.apps import apps
        model = apps.get_model(label)
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
        new = [dict(zip(fields, row, strict=True)) for row in after[label]
               if row not in before[label]]
        assert new, f"nothing was written to {label}"
        assert {row[key] for row in new} == {role_org(c).pk}, new
    return check


ME_CARRIER = lambda c: c.carrier  # noqa: E731
ME_SHOP = lambda c: c.shop  # noqa: E731

# --- The API, by (METHOD, path) as the OpenAPI schema names them -----------------------------

API = {
    ("POST", "/api/v1/bookings/"): [
        Refused("shopkeeper", lambda c: "/api/v1/bookings/",
                lambda c: booking_body(c, vehicle=c.van.pk), "vehicle", 400),
    ],
    ("POST", "/api/v1/bookings/{reference}/accept-alternative/"): [
        # the carrier's booking, with a bay and start as an alternative offer names them
        Refused("shopkeeper",
                lambda c: f"/api/v1/bookings/{c.booking.reference}/accept-alternative/",
                lambda c: {"bay": c.bay.pk, "start": iso("12:00")}, "url", 404),
    ],
    ("POST", "/api/v1/bookings/{reference}/cancel/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/bookings/{c.booking.reference}/cancel/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/bookings/{reference}/check-in/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/bookings/{c.booking.reference}/check-in/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/bookings/{reference}/check-out/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/bookings/{c.booking.reference}/check-out/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/bookings/{reference}/reschedule/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/bookings/{c.booking.reference}/reschedule/",
                lambda c: {"start": iso("12:00"), "end": iso("12:30"), "bay": c.bay.pk},
                "url", 404),
    ],
    ("POST", "/api/v1/enforcement/bookings/{reference}/check-in"): [
        Refused("gouda_admin",
                lambda c: f"/api/v1/enforcement/bookings/{c.booking.reference}/check-in",
                None, "url", 404),
    ],
    ("POST", "/api/v1/enforcement/bookings/{reference}/no-show"): [
        Refused("gouda_admin",
                lambda c: f"/api/v1/enforcement/bookings/{c.booking.reference}/no-show",
                None, "url", 404),
    ],
    ("POST", "/api/v1/hub-chains/"): [
        # The hole this file was written for: the delivery became the collector's booking,
        # which the carrier could then move and cancel.
        Refused("carrier_key", lambda c: "/api/v1/hub-chains/",
                lambda c: chain_body(c, last_mile_operator=c.collector.pk),
                "last_mile_operator", 400),
        Refused("carrier_key", lambda c: "/api/v1/hub-chains/",
                lambda c: chain_body(c, last_mile_operator=c.collector.pk,
                                     delivery_vehicle=collector_vehicle(c).pk),
                "delivery_vehicle", 400),
        Refused("carrier_key", lambda c: "/api/v1/hub-chains/",
                lambda c: chain_body(c, recipient=c.collector.pk), "recipient", 400),
    ],
    ("POST", "/api/v1/hub-chains/{id}/cancel/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/hub-chains/{c.chain.pk}/cancel/", None,
                "url", 404),
    ],
    ("POST", "/api/v1/hub-chains/{id}/move-delivery/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/hub-chains/{c.chain.pk}/move-delivery/",
                lambda c: {"start": iso("12:00"), "end": iso("12:20")}, "url", 404),
    ],
    ("POST", "/api/v1/hub-chains/{id}/move-inbound/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/hub-chains/{c.chain.pk}/move-inbound/",
                lambda c: {"start": iso("09:00"), "end": iso("09:30")}, "url", 404),
    ],
    ("POST", "/api/v1/hub-dock-reservations/"): [
        Refused("shopkeeper", lambda c: "/api/v1/hub-dock-reservations/",
                lambda c: dock_body(c, vehicle=c.van.pk), "vehicle", 400),
        Refused("carrier_key", lambda c: "/api/v1/hub-dock-reservations/",
                lambda c: dock_body(c, municipality=c.gouda.pk), "municipality", 422),
    ],
    ("POST", "/api/v1/hub-dock-reservations/{id}/cancel/"): [
        Refused("shopkeeper",
                lambda c: f"/api/v1/hub-dock-reservations/{c.dock_reservation.pk}/cancel/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/hub-storage-reservations/"): [
        Ignored("shopkeeper", lambda c: "/api/v1/hub-storage-reservations/",
                lambda c: {"hub": c.hub.pk, "pallets": 1, "start_date": SATURDAY_ISO,
                           "end_date": SATURDAY_ISO, "organisation": c.carrier.pk},
                "organisation", 201, owned_by(ME_SHOP, "hubs.StorageReservation"),
                may_change=("hubs.StorageReservation", "notifications.Notification")),
    ],
    ("POST", "/api/v1/hub-storage-reservations/{id}/cancel/"): [
        Refused("shopkeeper",
                lambda c: f"/api/v1/hub-storage-reservations/{c.storage_reservation.pk}/cancel/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/requests/"): [
        Refused("shopkeeper", lambda c: "/api/v1/requests/",
                lambda c: request_body(c, vehicle=c.van.pk), "vehicle", 400),
    ],
    ("POST", "/api/v1/requests/{reference}/withdraw/"): [
        Refused("shopkeeper",
                lambda c: f"/api/v1/requests/{c.booking_request.reference}/withdraw/", None,
                "url", 404),
    ],
    ("POST", "/api/v1/pickups/"): [
        Ignored("shopkeeper", lambda c: "/api/v1/pickups/",
                lambda c: {"stream": "glass", "volume_litres": 240, "day": SATURDAY_ISO,
                           "window_start": "07:00", "window_end": "11:00",
                           "organisation": c.carrier.pk},
                "organisation", 201, owned_by(ME_SHOP, "hubs.PickupRequest"),
                may_change=("hubs.PickupRequest", "notifications.Notification")),
    ],
    ("POST", "/api/v1/pickups/{id}/cancel/"): [
        Refused("carrier_key", lambda c: f"/api/v1/pickups/{c.pickup.pk}/cancel/", None, "url",
                404),
    ],
    ("POST", "/api/v1/collector-pickups/{id}/collected/"): [
        # the shop's pickup is on no route of the collector's
        Refused("collector", lambda c: f"/api/v1/collector-pickups/{c.pickup.pk}/collected/",
                lambda c: {"litres": 100}, "url", 404),
    ],
    ("POST", "/api/v1/collector-pickups/{id}/missed/"): [
        Refused("collector", lambda c: f"/api/v1/collector-pickups/{c.pickup.pk}/missed/",
                lambda c: {"reason": "blocked"}, "url", 404),
    ],
    ("PATCH", "/api/v1/series/{id}/"): [
        Refused("carrier_key", lambda c: f"/api/v1/series/{c.series.pk}/",
                lambda c: {"start_time": "11:00"}, "url", 404, method="patch"),
        Refused("shopkeeper", lambda c: f"/api/v1/series/{c.series.pk}/",
                lambda c: {"vehicle": c.van.pk}, "vehicle", 400, method="patch"),
    ],
    ("POST", "/api/v1/series/{id}/end/"): [
        Refused("carrier_key", lambda c: f"/api/v1/series/{c.series.pk}/end/", None, "url",
                404),
    ],
    ("POST", "/api/v1/vehicles/"): [
        Ignored("shopkeeper", lambda c: "/api/v1/vehicles/",
                lambda c: {"plate": "GX-456-B", "category": "van", "length_m": "6",
                           "organisation": c.carrier.pk},
                "organisation", 201, owned_by(ME_SHOP, "organisations.Vehicle"),
                may_change=("organisations.Vehicle",)),
    ],
    ("PUT", "/api/v1/vehicles/{id}/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/vehicles/{c.van.pk}/",
                lambda c: {"plate": c.van.plate, "category": "van", "length_m": "3"}, "url",
                404, method="put"),
    ],
    ("PATCH", "/api/v1/vehicles/{id}/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/vehicles/{c.van.pk}/",
                lambda c: {"length_m": "3"}, "url", 404, method="patch"),
    ],
    ("POST", "/api/v1/waitlist/"): [
        Refused("shopkeeper", lambda c: "/api/v1/waitlist/",
                lambda c: waitlist_body(c, vehicle=c.van.pk), "vehicle", 400),
    ],
    ("POST", "/api/v1/waitlist/{id}/claim/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/waitlist/{c.waitlist_entry.pk}/claim/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/waitlist/{id}/withdraw/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/waitlist/{c.waitlist_entry.pk}/withdraw/",
                None, "url", 404),
    ],
    ("POST", "/api/v1/webhooks/endpoints/"): [
        Ignored("shopkeeper", lambda c: "/api/v1/webhooks/endpoints/",
                lambda c: {"url": "https://93.184.215.14/hook", "organisation": c.carrier.pk},
                "organisation", 201, owned_by(ME_SHOP, "webhooks.WebhookEndpoint"),
                may_change=("webhooks.WebhookEndpoint", "organisations.Organisation")),
    ],
    ("PATCH", "/api/v1/webhooks/endpoints/{id}/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/webhooks/endpoints/{c.webhook_endpoint.pk}/",
                lambda c: {"url": "https://shop.invalid/hook"}, "url", 404, method="patch"),
    ],
    ("DELETE", "/api/v1/webhooks/endpoints/{id}/"): [
        Refused("shopkeeper", lambda c: f"/api/v1/webhooks/endpoints/{c.webhook_endpoint.pk}/",
                None, "url", 404, method="delete"),
    ],
}

# Body fields that name an object every organisation may name, and why.
SHARED = {
    "bay": "bays are the municipality's, bookable by every organisation",
    "bays": "bays are the municipality's, bookable by every organisation",
    "zone": "zones are the municipality's, open to every organisation",
    "hub": "hubs are shared by municipalities, open to every carrier",
    "delivery_bay": "bays are the municipality's, bookable by every organisation",
}
# Body fields that carry values, not objects.
VALUES = {
    "start", "end", "note", "vehicle_length_m", "vehicle_mass_kg", "delivery_vehicle_mass_kg",
    "zero_emission", "earliest_start", "latest_end",
    "preferred_start", "duration_minutes", "weight", "address_latitude", "address_longitude",
    "inbound_start", "inbound_end", "delivery_start", "delivery_end",
    "delivery_vehicle_length_m", "goods_litres", "pallets", "start_date", "end_date", "id",
    "reference", "status", "created_at", "plate", "display_plate", "name", "category",
    "length_m", "weight_kg", "is_active", "url", "description", "event_types", "status_reason",
    "start_time", "stream", "volume_litres", "containers", "day", "window_start", "window_end",
    "recurrence_weekdays", "recurrence_until", "litres", "kg", "reason",
}

# --- Pages that take a POST, by route name ---------------------------------------------------


def slot(c, hhmm: str) -> str:
    start = at(SATURDAY, hhmm)
    return f"{c.bay.pk}@{localtime.minute_of_day(SATURDAY, start)}"


def csv_file(text: str):
    return SimpleUploadedFile("bays.csv", text.encode(), content_type="text/csv")


BAY_COLUMNS = ("code,zone,street,house_number,latitude,longitude,kerb_length_m,max_vehicles,"
               "max_vehicle_length_m,is_active\n")

PAGES = {
    "portal:book": [
        Refused("shopkeeper", lambda c: "/portal/book/confirm/",
                lambda c: {"day": SATURDAY_ISO, "duration": 30, "vehicle": c.van.pk,
                           "slot": slot(c, "12:00"), "token": "t-book"}, "vehicle", 422),
    ],
    "portal:booking_cancel": [
        Refused("carrier_session",
                lambda c: f"/portal/bookings/{c.shop_booking.reference}/cancel/", None, "url",
                404),
    ],
    "portal:booking_alternative": [
        Refused("carrier_session",
                lambda c: f"/portal/bookings/{c.shop_booking.reference}/alternative/",
                lambda c: {"bay": c.bay.pk, "start": iso("12:00")}, "url", 404),
    ],
    "portal:booking_reschedule": [
        Refused("carrier_session",
                lambda c: f"/portal/bookings/{c.shop_booking.reference}/reschedule/",
                lambda c: {"day": SATURDAY_ISO, "start_time": "12:00", "duration": 30,
                           "bay": c.bay.pk}, "url", 404),
    ],
    "portal:series_create": [
        Refused("shopkeeper", lambda c: "/portal/recurring/new/",
                lambda c: {"bay": c.bay.pk, "weekdays": [5], "start_time": "12:00",
                           "duration": 30, "first_day": SATURDAY_ISO,
                           "until": (SATURDAY + dt.timedelta(days=7)).isoformat(),
                           "vehicle": c.van.pk, "token": "t-series"}, "vehicle", 200),
    ],
    "portal:requests": [
        Refused("shopkeeper", lambda c: "/portal/requests/",
                lambda c: {"day": SATURDAY_ISO, "earliest": "12:00", "latest_end": "13:00",
                           "duration": 30, "bays": [c.bay.pk], "vehicle": c.van.pk,
                           "token": "t-request"}, "vehicle", 422),
    ],
    "portal:request_withdraw": [
        Refused("carrier_session",
                lambda c: f"/portal/requests/{c.shop_request.reference}/withdraw/", None,
                "url", 404),
    ],
    "portal:series_change": [
        Refused("carrier_session", lambda c: f"/portal/recurring/{c.series.pk}/change/",
                lambda c: {"start_time": "11:00", "duration": "30", "bay": c.bay.pk}, "url",
                404),
        Refused("shopkeeper", lambda c: f"/portal/recurring/{c.series.pk}/change/",
                lambda c: {"start_time": "10:00", "duration": "30", "bay": c.bay.pk,
                           "vehicle": c.van.pk}, "vehicle", 422),
    ],
    "portal:series_end": [
        Refused("carrier_session", lambda c: f"/portal/recurring/{c.series.pk}/end/",
                lambda c: {"confirmed": "yes"}, "url", 404),
    ],
    "portal:waitlist": [
        # Joining names the vehicle: the carrier's van is not one the shop may choose.
        Refused("shopkeeper", lambda c: "/portal/waitlist/",
                lambda c: {"day": SATURDAY_ISO, "duration": 30, "vehicle": c.van.pk,
                           "wait": "wait:" + slot(c, "08:00"), "token": "t-wait"},
                "vehicle", 422),
    ],
    "portal:waitlist_claim": [
        Refused("shopkeeper", lambda c: f"/portal/waitlist/{c.waitlist_entry.pk}/claim/",
                lambda c: {"confirmed": "yes"}, "url", 404),
    ],
    "portal:waitlist_leave": [
        Refused("shopkeeper", lambda c: f"/portal/waitlist/{c.waitlist_entry.pk}/leave/",
                lambda c: {"confirmed": "yes"}, "url", 404),
    ],
    "portal:pickups": [
        Ignored("shopkeeper", lambda c: "/portal/pickups/",
                lambda c: {"stream": "glass", "volume_litres": 120, "containers": 1,
                           "day": SATURDAY_ISO, "window_start": "07:00", "window_end": "11:00",
                           "token": "t-pickup", "organisation": c.carrier.pk},
                "organisation", 302, owned_by(ME_SHOP, "hubs.PickupRequest"),
                may_change=("hubs.PickupRequest", "portal.FormSubmission",
                            "notifications.Notification")),
    ],
    "portal:pickup_cancel": [
        Refused("carrier_session", lambda c: f"/portal/pickups/{c.pickup.pk}/cancel/", None,
                "url", 404),
    ],
    "portal:notifications": [
        # Marks the shop's own unread notifications read (it has none); the carrier's stays.
        Refused("shopkeeper", lambda c: "/portal/notifications/",
                lambda c: {"id": c.notification.pk}, "id", 302),
    ],
    "portal:api_keys": [
        # Creating a key takes a name only; an id sent along is not read.
        Refused("shopkeeper", lambda c: "/portal/api-keys/",
                lambda c: {"revoke": carrier_key(c).pk}, "name", 422),
    ],
    "portal:api_key_revoke": [
        Refused("shopkeeper", lambda c: f"/portal/api-keys/{carrier_key(c).pk}/revoke/", None,
                "url", 404),
    ],
    "portal:calendar_renew": [
        Ignored("shopkeeper", lambda c: "/portal/bookings/calendar/renew/",
                lambda c: {"confirm": "on", "organisation": c.carrier.pk, "id": c.carrier.pk},
                "organisation", 302, owned_by(ME_SHOP, "organisations.Organisation", "id"),
                may_change=("organisations.Organisation",)),
    ],
    "portal:profile": [
        Ignored("shopkeeper", lambda c: "/portal/profile/",
                lambda c: {"name": "Boekhandel", "preferred_language": "nl",
                           "latitude": 52.158, "longitude": 4.492, "phone": "071 123 4567",
                           "organisation": c.carrier.pk, "id": c.carrier.pk},
                "organisation", 302, owned_by(ME_SHOP, "organisations.Organisation", "id"),
                may_change=("organisations.Organisation",)),
    ],
    "console:zone_windows": [
        Refused("gouda_admin", lambda c: f"/console/zones/{c.zone.pk}/windows/",
                lambda c: {"w-TOTAL_FORMS": 0, "w-INITIAL_FORMS": 0, "action": "save"}, "url",
                404),
    ],
    "console:zone_windows_next": [
        Refused("gouda_admin", lambda c: f"/console/zones/{c.zone.pk}/windows/next/",
                lambda c: {"valid_from": "2030-01-01", "w-TOTAL_FORMS": 0,
                           "w-INITIAL_FORMS": 0, "action": "publish"}, "url", 404),
    ],
    "places:zone_rules": NamesNoObjects("anonymous", "a public page, read only"),
    "console:bay_windows": [
        Refused("gouda_admin", lambda c: f"/console/bays/{c.bay.pk}/windows/",
                lambda c: {"w-TOTAL_FORMS": 0, "w-INITIAL_FORMS": 0, "action": "save"}, "url",
                404),
    ],
    "console:whatif": [
        Refused("gouda_admin", lambda c: f"/console/zones/{c.zone.pk}/what-if/",
                lambda c: {"weeks": 1}, "url", 404),
        Refused("leiden_admin", lambda c: f"/console/zones/{c.zone.pk}/what-if/",
                lambda c: {"weeks": 1, "closure_bay": c.gouda_bay.pk, "w-TOTAL_FORMS": 0,
                           "w-INITIAL_FORMS": 0}, "closure_bay", 200),
    ],
    "console:closure_new": [
        Refused("gouda_admin", lambda c: "/console/closures/new/",
                lambda c: {"zone": c.zone.pk, "reason": "market", "start_date": SATURDAY_ISO,
                           "end_date": SATURDAY_ISO, "action": "confirm"}, "zone", 200),
        Refused("gouda_admin", lambda c: "/console/closures/new/",
                lambda c: {"bay": c.bay.pk, "reason": "market", "start_date": SATURDAY_ISO,
                           "end_date": SATURDAY_ISO, "action": "confirm"}, "bay", 200),
    ],
    "console:closure_announce": [
        Refused("gouda_admin", lambda c: f"/console/closures/{c.closure.pk}/announce/", None,
                "url", 404),
    ],
    "console:bays_import": [
        # Leiden's bay, by its code, moved into Gouda's zone.
        Refused("gouda_admin", lambda c: "/console/bays/import/",
                lambda c: {"file_format": "csv", "file": csv_file(
                    BAY_COLUMNS + f"{c.bay.code},{c.gouda_zone.slug},Markt,1,52.011,4.710,"
                    "12,2,10,true\n")}, "file", 200),
    ],
    "enforcement:action": [
        Refused("gouda_admin",
                lambda c: f"/enforcement/bookings/{c.booking.reference}/check-in/", None, "url",
                404),
    ],
    "console:index": NamesNoObjects("leiden_admin", "a list of the admin's zones and bays"),
    "console:closure_list": NamesNoObjects("leiden_admin", "a list"),
    "console:closure_detail": NamesNoObjects("gouda_admin", "a page; announcing is its own"),
    "console:bays_export": NamesNoObjects("gouda_admin", "a download"),
    "console:history": NamesNoObjects("gouda_admin", "a page of recorded changes"),
    "console:dashboard": NamesNoObjects("gouda_admin", "figures, read from the query string"),
    "console:zone_zero_emission": NamesNoObjects("gouda_admin", "a page of coming dates"),
    "enforcement:page": NamesNoObjects("enforcer", "a plate check, read from the query string"),
    "hubs:run-sheet": NamesNoObjects("collector", "a printable page"),
    # the shop's pickup is on no route of the collector's
    "hubs:pickup-collected": [
        Refused("collector",
                lambda c: f"/hubs/routes/{c.route.pk}/pickups/{c.pickup.pk}/collected/",
                lambda c: {"litres": "10"}, "url", 404),
    ],
    "hubs:pickup-missed": [
        Refused("collector",
                lambda c: f"/hubs/routes/{c.route.pk}/pickups/{c.pickup.pk}/missed/",
                lambda c: {"reason": "blocked"}, "url", 404),
    ],
    "hubs:bundling-report": NamesNoObjects("collector", "a report"),
    "hubs:routes": NamesNoObjects("collector", "a list of the collector's own routes"),
    "cds:zones": NamesNoObjects("anonymous", "open data, read only"),
    "cds:zone": NamesNoObjects("anonymous", "open data, read only"),
    "cds:areas": NamesNoObjects("anonymous", "open data, read only"),
    "cds:area": NamesNoObjects("anonymous", "open data, read only"),
    "cds:spaces": NamesNoObjects("anonymous", "open data, read only"),
    "cds:space": NamesNoObjects("anonymous", "open data, read only"),
    "cds:policies": NamesNoObjects("anonymous", "open data, read only"),
    "cds:policy": NamesNoObjects("anonymous", "open data, read only"),
    "cds:events": NamesNoObjects("anonymous", "open data, read only"),
    "cds:status": NamesNoObjects("anonymous", "open data, read only"),
    "cds:metrics-sessions": NamesNoObjects("gouda_admin", "read only, the caller's own city"),
    "cds:metrics-aggregates": NamesNoObjects("gouda_admin", "read only, the caller's own city"),
    "health": NamesNoObjects("anonymous", "the health check"),
    "set_language": NamesNoObjects("shopkeeper", "sets a cookie", extra={"language": "en"}),
    "login": NamesNoObjects("anonymous", "signs in as the person whose password it is",
                            extra={"username": "planner", "password": "wrong"}),
    "logout": NamesNoObjects("shopkeeper", "signs the sender out"),
    "password_change": NamesNoObjects("shopkeeper", "changes the sender's own password"),
    "password_reset": NamesNoObjects("anonymous", "mails the address's own holder",
                                     extra={"email": "nobody@example.invalid"}),
    "password_reset_confirm": NamesNoObjects("anonymous", "needs the mailed token"),
}

# Routes outside the API and the admin that take no POST at all: their views answer 405 or
# render as for a GET. The static files route exists only with DEBUG on.
NOT_WRITES = {"^static/(?P<path>.*)$"}


def hostile(c) -> dict:
    """Another organisation's ids under every name a form or body here uses."""
    return {"id": c.notification.pk, "pk": c.booking.pk, "organisation": c.carrier.pk,
            "vehicle": c.van.pk, "bay": c.gouda_bay.pk, "zone": c.gouda_zone.pk,
            "booking": c.booking.reference, "reference": c.booking.reference,
            "revoke": carrier_key(c).pk, "closure": c.closure.pk, "hub": c.hub.pk,
            "chain": c.chain.pk, "pickup": c.pickup.pk, "series": c.series.pk,
            "municipality": c.leiden.pk, "plate": c.van.plate}


# --- What exists: the schema's write operations and the pages that take a POST -------------


def api_operations() -> dict[tuple[str, str], list[str]]:
    """{(METHOD, path): request body fields} of every write in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES:
                continue
            fields = []
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                fields = list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
                break
            found[(method.upper(), path)] = fields
    return found


def takes_post(view) -> bool:
    """Whether a view may take a POST: class-based views say so, function views cannot."""
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if view_class is None:
        return True
    return any(hasattr(view_class, method) for method in WRITES)


def page_routes() -> set[str]:
    return {key for key, view in route_views().items()
            if not key.startswith(("api:", "admin", "schema", "swagger-ui", "redoc"))
            and key not in NOT_WRITES and takes_post(view)}


def test_every_write_endpoint_is_tried():
    operations = api_operations()
    assert operations, "the schema lists no writes"
    assert sorted(set(operations) - set(API)) == [], "API writes without a case here"
    assert sorted(set(API) - set(operations)) == [], "cases for writes that no longer exist"
    pages = page_routes()
    assert sorted(pages - set(PAGES)) == [], "pages that take a POST without a case here"
    assert sorted(set(PAGES) - pages) == [], "cases for pages that no longer take a POST"


def test_every_field_that_names_an_object_is_tried():
    """A body field is a plain value, an object every organisation may name (SHARED), or
    named by a case of that endpoint; an address with an id is tried with another's id."""
    untried = {}
    for (method, path), fields in api_operations().items():
        named = {case.names for case in API[(method, path)]}
        missing = [f for f in fields if f not in VALUES | set(SHARED) | named]
        if "{" in path and "url" not in named:
            missing.append("url")
        if missing:
            untried[f"{method} {path}"] = missing
    assert untried == {}


# --- The cases -------------------------------------------------------------------------------


def _cases(table):
    for key, entries in table.items():
        if isinstance(entries, NamesNoObjects):
            continue
        for index, case in enumerate(entries):
            name = key if isinstance(key, str) else " ".join(key)
            yield pytest.param(case, id=f"{name} {case.names} #{index}")


def send(cast, case, url):
    client = cast.client(case.role)
    body = case.body(cast) if case.body else None
    if url.startswith("/api/"):
        return getattr(client, case.method)(url, body, format="json")
    return getattr(client, case.method)(url, body or {})


def assert_refused_in_the_api(response, case):
    assert response.status_code == case.status, response.content
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    if case.status == 400:
        fields = {error["field"] for error in response.json()["errors"]}
        assert case.names in fields, response.json()


def assert_refused_in_a_page(response, case):
    assert response.status_code == case.status, response.status_code
    if case.names in ("url", "id", "revoke"):
        return  # 404, or a redirect that changed nothing (checked by the caller)
    context = response.context
    form = context.get("form") if context else None
    result = context.get("result") if context else None
    if result is not None:  # a bay import lists each refused row
        assert not result.ok and result.errors, "the import was not refused"
        return
    assert form is not None and case.names in form.errors, getattr(form, "errors", None)


@pytest.mark.parametrize("case", list(_cases(API)) + list(_cases(PAGES)))
def test_naming_another_organisations_object_is_refused_and_changes_nothing(
        cast, db, frozen_now, case):
    before = snapshot()
    url = case.address(cast)
    response = send(cast, case, url)
    after = snapshot()
    if isinstance(case, Ignored):
        assert response.status_code == case.status, response.content
        case.check(cast, before, after)
        unexpected = set(changed_tables(before, after)) - set(case.may_change)
        assert not unexpected, f"{case.method.upper()} {url} changed {unexpected}"
        return
    if url.startswith("/api/"):
        assert_refused_in_the_api(response, case)
    else:
        assert_refused_in_a_page(response, case)
    assert changed_tables(before, after) == [], f"{case.method.upper()} {url}"


@pytest.mark.parametrize("key", sorted(k for k, v in PAGES.items()
                                       if isinstance(v, NamesNoObjects)))
def test_a_page_that_names_no_objects_changes_nothing_when_sent_others_ids(
        cast, db, frozen_now, key):
    from tests.security.routes import url_of

    entry = PAGES[key]
    url = entry.address(cast) if entry.address else url_of(key, cast)
    before = snapshot()
    response = cast.client(entry.role).post(url, {**hostile(cast), **entry.extra})
    # The health check answers 503 when Redis or a worker is away, whoever asks.
    assert response.status_code < 500 or key == "health", f"POST {url}: {response.status_code}"
    assert changed_tables(before, snapshot()) == [], f"POST {url}"


# --- The services refuse it too, whatever interface calls them -------------------------------


def test_no_booking_service_takes_another_organisations_vehicle(cast, db, frozen_now):
    """The serializers and forms refuse another's vehicle first; the services refuse it as
    well, for every other caller (admin, tasks, a future interface)."""
    shop, van = cast.shop, cast.van
    attempts = {
        "booking_create": lambda: booking_create(
            bay=cast.bay, organisation=shop, vehicle=van, start=at(SATURDAY, "12:00"),
            end=at(SATURDAY, "12:30")),
        "request_submit": lambda: request_submit(
            organisation=shop, zone=cast.zone, earliest_start=at(SATURDAY, "12:00"),
            latest_end=at(SATURDAY, "13:00"), duration_minutes=30, bays=[cast.bay],
            vehicle=van),
        "waitlist_join": lambda: waitlist_join(
            organisation=shop, bay=cast.bay, start=at(SATURDAY, "08:00"),
            end=at(SATURDAY, "08:30"), vehicle=van),
        "booking_series_create": lambda: booking_series_create(
            organisation=shop, bay=cast.bay, weekdays=[5], start_time=dt.time(12),
            duration_minutes=30, first_day=SATURDAY, until=SATURDAY, vehicle=van),
        "dock_reservation_create": lambda: dock_reservation_create(
            hub=cast.hub, organisation=shop, start=at(SATURDAY, "12:00"),
            end=at(SATURDAY, "12:30"), vehicle=van),
        "chain_create": lambda: chain_create(
            hub=cast.hub, organisation=shop, inbound_start=at(SATURDAY, "12:00"),
            inbound_end=at(SATURDAY, "12:30"), vehicle_length_m=Decimal("12"),
            delivery_bay=cast.bay, delivery_start=at(SATURDAY, "13:30"),
            delivery_end=at(SATURDAY, "13:50"), delivery_vehicle=van),
    }
    before = snapshot()
    for name, attempt in attempts.items():
        with pytest.raises(booking_errors.UnknownVehicle):
            attempt()
        assert changed_tables(before, snapshot()) == [], name


def test_a_chain_is_booked_on_the_carriers_own_behalf_only(cast, db, frozen_now):
    """The last-mile operator owns the delivery's kerb booking, and the chain's booker may
    move and cancel it: so the operator is the booker itself, whichever interface asks."""
    def chain(**parties):
        # Delivered before 11:00, while the bay is open to every vehicle.
        return chain_create(
            hub=cast.hub, organisation=cast.carrier, inbound_start=at(SATURDAY, "09:00"),
            inbound_end=at(SATURDAY, "09:30"), vehicle_length_m=Decimal("12"),
            delivery_bay=cast.bay, delivery_start=at(SATURDAY, "10:00"),
            delivery_end=at(SATURDAY, "10:20"), delivery_vehicle_length_m=Decimal("4"),
            delivery_vehicle_mass_kg=3500,
            **parties)

    before = snapshot()
    with pytest.raises(hub_errors.NotOnOwnBehalf):
        chain(last_mile_operator=cast.collector)
    with pytest.raises(hub_errors.RecipientNotAShop):
        chain(recipient=cast.collector)
    assert changed_tables(before, snapshot()) == []
    own = chain(last_mile_operator=cast.carrier, recipient=cast.shop)
    assert own.delivery.organisation == cast.carrier
    assert own.inbound.organisation == cast.carrier


def test_a_dock_slot_counts_against_a_municipality_that_shares_the_hub(cast, db, frozen_now):
    before = snapshot()
    with pytest.raises(hub_errors.MunicipalityNotSharing):
        dock_reservation_create(hub=cast.hub, organisation=cast.carrier,
                                start=at(SATURDAY, "12:00"), end=at(SATURDAY, "12:30"),
                                vehicle=cast.van, municipality=cast.gouda)
    assert changed_tables(before, snapshot()) == []


def test_a_chain_naming_another_organisation_answers_as_an_unknown_id_does(cast, db,
                                                                          frozen_now):
    """Whether the id exists or is another's, the answer is the same: no oracle of ids."""
    client = cast.client("carrier_key")
    answers = []
    for operator in (cast.collector.pk, 999_999):
        response = client.post("/api/v1/hub-chains/",
                               chain_body(cast, last_mile_operator=operator), format="json")
        error = response.json()["errors"][0]
        answers.append((response.status_code, error["field"], error["code"]))
    assert answers[0] == answers[1] == (400, "last_mile_operator", "does_not_exist")


def admin_form_data(form) -> dict:
    """What the browser would send back for an admin form as it was shown."""
    data = {}
    for name in form.fields:
        bound = form[name]
        value, widget = bound.value(), bound.field.widget
        if hasattr(widget, "widgets"):  # a split date and time
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[bound.html_name + suffix] = "" if part is None else part
        elif value is not None:
            data[bound.html_name] = value
    return data


def test_the_admin_refuses_a_booking_with_another_organisations_vehicle(cast, db, frozen_now):
    """The admin saves bookings through its model form, not the services: the model's own
    clean() holds the rule there."""
    client = cast.client("superuser")
    address = f"/admin/bookings/booking/{cast.booking.pk}/change/"
    data = admin_form_data(client.get(address).context["adminform"].form)
    before = snapshot()
    refused = client.post(address, {**data, "vehicle": collector_vehicle(cast).pk})
    assert refused.status_code == 200
    assert "vehicle" in refused.context["adminform"].form.errors
    assert changed_tables(before, snapshot()) == []
    # The same form with the booking's own vehicle saves: only the vehicle was wrong.
    assert client.post(address, {**data, "note": "checked"}).status_code == 302
