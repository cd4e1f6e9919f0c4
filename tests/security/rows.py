"""What a refused change must leave alone: every row an organisation's change could touch."""

from __future__ import annotations

from django.apps import apps

# app_label.Model of every table a booker, a shop or a municipal admin can write through an
# interface, their own or another organisation's.
TRACKED = (
    "organisations.Organisation", "organisations.Vehicle", "organisations.Membership",
    "bookings.Booking", "bookings.BookingRequest", "bookings.BookingSeries",
    "bookings.WaitlistEntry", "hubs.DockReservation", "hubs.StorageReservation",
    "hubs.LastMileChain", "hubs.PickupRequest", "places.Closure", "places.Zone",
    "places.LoadingBay", "places.TimeWindow", "webhooks.WebhookEndpoint",
    "api.OrganisationAPIKey", "api.IdempotencyKey", "notifications.Notification",
    "portal.FormSubmission",
)


def _rows(model) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
    return sorted(model.objects.values_list(*fields), key=repr)


def snapshot(_cast=None) -> dict[str, list[tuple]]:
    """Every tracked row, field by field (`updated_at` aside)."""
    return {label: _rows(apps.get_model(label)) for label in TRACKED}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in TRACKED if before[label] != after[label]]
