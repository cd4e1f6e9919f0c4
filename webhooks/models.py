"""Webhooks: an organisation's endpoints, the outbox of events, and every delivery attempt."""

import base64
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history
from organisations.models import Organisation


class EventType(models.TextChoices):
    BOOKING_CONFIRMED = "booking.confirmed", _("Booking confirmed")
    BOOKING_CANCELLED = "booking.cancelled", _("Booking cancelled")
    BOOKING_RESCHEDULED = "booking.rescheduled", _("Booking rescheduled")
    BOOKING_CHECKED_IN = "booking.checked_in", _("Vehicle checked in")
    BOOKING_CHECKED_OUT = "booking.checked_out", _("Vehicle checked out")
    BOOKING_NO_SHOW = "booking.no_show", _("Booking became a no-show")
    BOOKING_AFFECTED = "booking.affected", _("Booking affected by a rule change")
    REQUEST_ALLOCATED = "request.allocated", _("Request allocated")
    REQUEST_REFUSED = "request.refused", _("Request refused")
    CLOSURE_ANNOUNCED = "closure.announced", _("Closure announced")
    WAITLIST_OFFERED = "waitlist.offered", _("Waitlist offer")
    WAITLIST_OFFER_EXPIRED = "waitlist.offer_expired", _("Waitlist offer expired")
    SERIES_CHANGED = "series.changed", _("Recurring booking changed")
    SERIES_ENDED = "series.ended", _("Recurring booking ended")
    SERIES_ROLL_FORWARD_FAILED = "series.roll_forward_failed", _(
        "Recurring booking: dates not booked")
    DOCK_RESERVATION_CREATED = "dock_reservation.created", _("Dock reservation made")
    DOCK_RESERVATION_CANCELLED = "dock_reservation.cancelled", _("Dock reservation cancelled")
    STORAGE_RESERVATION_CREATED = "storage_reservation.created", _("Storage reservation made")
    STORAGE_RESERVATION_CANCELLED = "storage_reservation.cancelled", _(
        "Storage reservation cancelled")
    CHAIN_CREATED = "chain.created", _("Last-mile chain made")
    CHAIN_CANCELLED = "chain.cancelled", _("Last-mile chain cancelled")
    PICKUP_REQUESTED = "pickup.requested", _("Pickup requested")
    PICKUP_CANCELLED = "pickup.cancelled", _("Pickup cancelled")
    PICKUP_COLLECTED = "pickup.collected", _("Pickup collected")
    PICKUP_MISSED = "pickup.missed", _("Pickup missed")


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """A URL of an organisation that wants some event types, signed with its own secret."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FAILING = "failing", _("Failing")
        DISABLED = "disabled", _("Disabled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list,
                                   help_text=_("Empty means every event type."))
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    status_reason = models.CharField(_("why"), max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # the signing secret never enters the audit trail
    history = audit_history(excluded_fields=["secret"])

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookEvent(models.Model):
    """The outbox: written in the transaction of the change it reports, so none is lost."""

    message_id = models.CharField(_("message id"), max_length=40, unique=True,
                                  default=new_message_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_events"
    )
    event_type = models.CharField(_("event type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="webhook_event_org")]

    def __str__(self):
        return f"{self.event_type} {self.message_id}"


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint; retried with backoff until it lands or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True,
                                                        blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The sweep looks for due pending deliveries and lapsed claims.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """The log: one HTTP request made for a delivery, and what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempt_log")
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_body = models.CharField(_("response (start)"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error}"
