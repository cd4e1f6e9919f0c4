"""Every URL pattern of the project, from the resolver, and how to reach the cast's objects."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cds import ids


def _walk(patterns, prefix="", namespace=None):
    """(key, pattern, view) of every URL pattern, depth first in the resolver's order."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = pattern
            yield key, pattern, entry.callback


def all_routes() -> dict[str, str]:
    """{key: pattern} for every route: its name with namespace, or its pattern when unnamed.

    Routes that differ only by a `.json`-style format suffix share their name and answer as
    their base route, so they count once.
    """
    found: dict[str, str] = {}
    for key, pattern, _view in _walk(get_resolver().url_patterns):
        found.setdefault(key, pattern)
    return found


def route_views() -> dict[str, object]:
    """{key: view function} for every route, keyed as all_routes() keys them."""
    found: dict[str, object] = {}
    for key, _pattern, view in _walk(get_resolver().url_patterns):
        found.setdefault(key, view)
    return found


# The arguments of each route that takes some: the cast's Leiden objects, owned by the carrier
# (API), the shop (portal) or the collector (run sheet).
ARGUMENTS = {
    "api:enforcement-check-in": lambda c: {"reference": c.booking.reference},
    "api:enforcement-no-show": lambda c: {"reference": c.booking.reference},
    "api:zone-detail": lambda c: {"pk": c.zone.pk},
    "api:bay-detail": lambda c: {"pk": c.bay.pk},
    "api:vehicle-detail": lambda c: {"pk": c.van.pk},
    "api:calendar-feed": lambda c: {"token": c.carrier.calendar_token},
    "api:booking-detail": lambda c: {"reference": c.booking.reference},
    "api:booking-cancel": lambda c: {"reference": c.booking.reference},
    "api:booking-check-in": lambda c: {"reference": c.booking.reference},
    "api:booking-check-out": lambda c: {"reference": c.booking.reference},
    "api:booking-reschedule": lambda c: {"reference": c.booking.reference},
    "api:booking-accept-alternative": lambda c: {"reference": c.booking.reference},
    "api:booking-request-detail": lambda c: {"reference": c.booking_request.reference},
    "api:booking-request-outcome": lambda c: {"reference": c.booking_request.reference},
    "api:booking-request-withdraw": lambda c: {"reference": c.booking_request.reference},
    "api:waitlist-detail": lambda c: {"pk": c.waitlist_entry.pk},
    "api:waitlist-claim": lambda c: {"pk": c.waitlist_entry.pk},
    "api:waitlist-withdraw": lambda c: {"pk": c.waitlist_entry.pk},
    "api:webhook-endpoint-detail": lambda c: {"pk": c.webhook_endpoint.pk},
    "api:webhook-delivery-detail": lambda c: {"pk": c.webhook_delivery.pk},
    "api:hub-detail": lambda c: {"pk": c.hub.pk},
    "api:hub-dock-availability": lambda c: {"pk": c.hub.pk},
    "api:hub-dock-reservation-detail": lambda c: {"pk": c.dock_reservation.pk},
    "api:hub-dock-reservation-cancel": lambda c: {"pk": c.dock_reservation.pk},
    "api:hub-storage-reservation-detail": lambda c: {"pk": c.storage_reservation.pk},
    "api:hub-storage-reservation-cancel": lambda c: {"pk": c.storage_reservation.pk},
    "api:hub-chain-detail": lambda c: {"pk": c.chain.pk},
    "api:hub-chain-cancel": lambda c: {"pk": c.chain.pk},
    "api:hub-chain-move-delivery": lambda c: {"pk": c.chain.pk},
    "api:hub-chain-move-inbound": lambda c: {"pk": c.chain.pk},
    "api:collector-route-detail": lambda c: {"pk": c.route.pk},
    "api:collector-pickup-detail": lambda c: {"pk": c.pickup.pk},
    "api:collector-pickup-collected": lambda c: {"pk": c.pickup.pk},
    "api:collector-pickup-missed": lambda c: {"pk": c.pickup.pk},
    "api:pickup-detail": lambda c: {"pk": c.pickup.pk},
    "api:pickup-cancel": lambda c: {"pk": c.pickup.pk},
    "api:series-detail": lambda c: {"pk": c.series.pk},
    "api:series-end": lambda c: {"pk": c.series.pk},
    "console:zone_windows": lambda c: {"pk": c.zone.pk},
    "console:zone_windows_next": lambda c: {"pk": c.zone.pk},
    "places:zone_rules": lambda c: {"key": c.zone.slug},
    "console:bay_windows": lambda c: {"pk": c.bay.pk},
    "console:whatif": lambda c: {"pk": c.zone.pk},
    "console:zone_zero_emission": lambda c: {"pk": c.zone.pk},
    "console:closure_detail": lambda c: {"pk": c.closure.pk},
    "console:closure_announce": lambda c: {"pk": c.closure.pk},
    "console:bays_export": lambda c: {"file_format": "csv"},
    "console:history": lambda c: {"kind": "zone", "pk": c.zone.pk},
    "enforcement:action": lambda c: {"reference": c.booking.reference, "action": "check-in"},
    "cds:zone": lambda c: {"curb_zone_id": ids.curb_zone_id(c.bay.pk)},
    "cds:area": lambda c: {"curb_area_id": ids.curb_area_id(c.zone.pk)},
    "cds:space": lambda c: {"curb_space_id": ids.curb_space_id(c.bay.pk, 1)},
    "cds:policy": lambda c: {"curb_policy_id": "00000000-0000-0000-0000-000000000000"},
    "portal:booking": lambda c: {"reference": c.shop_booking.reference},
    "portal:booking_cancel": lambda c: {"reference": c.shop_booking.reference},
    "portal:booking_reschedule": lambda c: {"reference": c.shop_booking.reference},
    "portal:booking_alternative": lambda c: {"reference": c.shop_booking.reference},
    "portal:series": lambda c: {"pk": c.series.pk},
    "portal:series_change": lambda c: {"pk": c.series.pk},
    "portal:series_end": lambda c: {"pk": c.series.pk},
    "portal:request_withdraw": lambda c: {"reference": c.shop_request.reference},
    "portal:waitlist_claim": lambda c: {"pk": c.shop_waitlist_entry.pk},
    "portal:waitlist_leave": lambda c: {"pk": c.shop_waitlist_entry.pk},
    "portal:pickup_cancel": lambda c: {"pk": c.pickup.pk},
    "portal:api_key_revoke": lambda c: {"pk": c.api_key_record.pk},
    "hubs:run-sheet": lambda c: {"pk": c.route.pk},
    "hubs:pickup-collected": lambda c: {"route_pk": c.route.pk, "pk": c.pickup.pk},
    "hubs:pickup-missed": lambda c: {"route_pk": c.route.pk, "pk": c.pickup.pk},
    "password_reset_confirm": lambda c: {"uidb64": "MQ", "token": "set-password"},
}

# Unnamed routes, reached by a fixed path.
FIXED_PATHS = {
    "admin/login/": "/admin/login/",
    "^static/(?P<path>.*)$": "/static/missing.css",
}


def url_of(key: str, cast) -> str:
    if key in FIXED_PATHS:
        return FIXED_PATHS[key]
    if key.startswith("admin:"):
        return admin_url(key, cast)
    if key.startswith("admin/"):
        return admin_pattern_url(key, cast)
    arguments = ARGUMENTS.get(key)
    return reverse(key, kwargs=arguments(cast) if arguments else None)


def admin_object(label: str, cast):
    """The cast's Leiden object of an admin model, or None when the cast has none."""
    from tests.security.admin_expectations import ADMIN_OBJECTS

    getter = ADMIN_OBJECTS.get(label)
    return getter(cast) if getter else None


def registered_admin_labels() -> set[str]:
    return {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}


def admin_url(key: str, cast) -> str:
    name = key.removeprefix("admin:")
    for label in registered_admin_labels():
        if name.startswith(label + "_"):
            action = name.removeprefix(label + "_")
            if action in ("changelist", "add"):
                return reverse(key)
            obj = admin_object(label, cast)
            args = [obj.pk if obj else 999999]
            if action == "simple_history":
                history = getattr(obj, "history", None)
                version = history.first() if history is not None else None
                args.append(version.history_id if version is not None else 999999)
            return reverse(key, args=args)
    if name == "app_list":
        return reverse(key, kwargs={"app_label": "bookings"})
    return reverse(key, kwargs={"content_type_id": 1, "object_id": 1}) if name == "view_on_site" \
        else reverse(key)


def admin_pattern_url(key: str, cast) -> str:
    if key == "admin/(?P<url>.*)$":
        return "/admin/nothing-here/"
    # admin/<app>/<model>/<path:object_id>/: the old-style object address, redirected.
    app, model = key.split("/")[1:3]
    obj = admin_object(f"{app}_{model}", cast)
    return f"/admin/{app}/{model}/{obj.pk if obj else 999999}/"
