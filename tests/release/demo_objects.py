"""Print, as JSON, the demo objects that fill the URL arguments of the release test.

Run by the installed package's Python (`python demo_objects.py`), not imported by the tests:
it must see only the installed wheel, so it imports nothing from the source tree. For each
demo user it names that user's organisation's first object of each kind (anyone's when it has
none); for each model in the admin, one object and one history entry.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from api.models import OrganisationAPIKey  # noqa: E402
from bookings.models import Booking, BookingRequest, BookingSeries, WaitlistEntry  # noqa: E402
from hubs.models import (  # noqa: E402
    DockReservation,
    Hub,
    LastMileChain,
    PickupRequest,
    PlannedRoute,
    StorageReservation,
)
from organisations.models import Organisation, Vehicle  # noqa: E402
from places.models import Closure, LoadingBay, Zone  # noqa: E402
from webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402

# The missing: a demo without some kind of object still gets a URL, which must answer 404.
# A well-formed reference and slug nobody holds.
MISSING = {"pk": 999999, "reference": "NOTINDEMO", "slug": "not-in-demo"}
# name: (manager, the path from the object to its organisation, the fields the URLs use)
OWNED = {
    "booking": (Booking.objects, "organisation", ["pk", "reference"]),
    "booking_request": (BookingRequest.objects, "organisation", ["pk", "reference"]),
    "series": (BookingSeries.objects, "organisation", ["pk"]),
    "waitlist_entry": (WaitlistEntry.objects, "organisation", ["pk"]),
    "van": (Vehicle.objects, "organisation", ["pk"]),
    "webhook_endpoint": (WebhookEndpoint.objects, "organisation", ["pk"]),
    "webhook_delivery": (WebhookDelivery.objects, "endpoint__organisation", ["pk"]),
    "dock_reservation": (DockReservation.objects, "organisation", ["pk"]),
    "storage_reservation": (StorageReservation.objects, "organisation", ["pk"]),
    "chain": (LastMileChain.objects, "recipient", ["pk"]),
    "pickup": (PickupRequest.objects, "organisation", ["pk"]),
    "route": (PlannedRoute.objects, "run__collector", ["pk"]),
    "api_key_record": (OrganisationAPIKey.objects, "organisation", ["pk"]),
}
# Rules everyone may read: the demo's Leiden ones, as the users' home town.
SHARED = {
    "zone": (Zone.objects, {"municipality__slug": "leiden"}, ["pk", "slug"]),
    "bay": (LoadingBay.objects, {"zone__municipality__slug": "leiden"}, ["pk"]),
    "closure": (Closure.objects, {"zone__municipality__slug": "leiden"}, ["pk"]),
    "hub": (Hub.objects, {}, ["pk"]),
}


def first(queryset, fields=("pk",)) -> dict | None:
    return queryset.order_by("pk").values(*fields).first()


def objects_of(organisation: Organisation | None) -> dict:
    """The organisation's own objects where it has them, else anyone's, else MISSING."""
    found = {name: first(manager.filter(**leiden), fields) or first(manager.all(), fields)
             or MISSING for name, (manager, leiden, fields) in SHARED.items()}
    for name, (manager, owner, fields) in OWNED.items():
        mine = manager.filter(**{owner: organisation}) if organisation else manager.none()
        found[name] = first(mine, fields) or first(manager.all(), fields) or MISSING
    found["calendar_token"] = organisation.calendar_token if organisation else "none"
    return found


def admin_objects() -> dict:
    objects = {}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        history = getattr(obj, "history", None) if obj else None
        entry = history.order_by("history_id").first() if history is not None else None
        objects[label] = {"pk": obj.pk if obj else None,
                          "history_id": entry.history_id if entry else None}
    return objects


def main() -> None:
    users = {}
    for user in get_user_model().objects.order_by("username"):
        membership = getattr(user, "membership", None)
        organisation = membership.organisation if membership else None
        users[user.username] = objects_of(organisation)
    print(json.dumps({"users": users, "admin": admin_objects()}, default=str))


if __name__ == "__main__":
    main()
