"""Messages to organisations: shown in the portal, sent by email (and webhook, by event type)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class Notification(models.Model):
    class Kind(models.TextChoices):
        BOOKING_CONFIRMED = "booking.confirmed", _("Booking confirmed")
        BOOKING_CANCELLED = "booking.cancelled", _("Booking cancelled")
        BOOKING_NO_SHOW = "booking.no_show", _("Booking became a no-show")
        BOOKING_AFFECTED = "booking.affected", _("Booking affected by a rule change")
        REQUEST_ALLOCATED = "request.allocated", _("Request allocated")
        REQUEST_REFUSED = "request.refused", _("Request refused")
        CLOSURE_ANNOUNCED = "closure.announced", _("Closure announced")
        WAITLIST_OFFERED = "waitlist.offered", _("Waitlist offer")
        WAITLIST_OFFER_EXPIRED = "waitlist.offer_expired", _("Waitlist offer expired")
        WINDOWS_CHANGED = "windows.changed", _("New windows do not cover a booking")
        PICKUP_PLANNED = "pickup.planned", _("Pickup planned")
        ZERO_EMISSION_ACCESS_ENDING = "zero_emission.access_ending", _(
            "Zero-emission access ending")
        SERIES_CHANGED = "series.changed", _("Recurring booking changed")
        SERIES_ENDED = "series.ended", _("Recurring booking ended")
        SERIES_ROLL_FORWARD_FAILED = "series.roll_forward_failed", _(
            "Recurring booking: dates not booked")
        DOCK_RESERVATION_CREATED = "dock_reservation.created", _("Dock reservation made")
        DOCK_RESERVATION_CANCELLED = "dock_reservation.cancelled", _(
            "Dock reservation cancelled")
        STORAGE_RESERVATION_CREATED = "storage_reservation.created", _(
            "Storage reservation made")
        STORAGE_RESERVATION_CANCELLED = "storage_reservation.cancelled", _(
            "Storage reservation cancelled")
        CHAIN_CREATED = "chain.created", _("Last-mile chain made")
        CHAIN_CANCELLED = "chain.cancelled", _("Last-mile chain cancelled")
        PICKUP_REQUESTED = "pickup.requested", _("Pickup requested")
        PICKUP_CANCELLED = "pickup.cancelled", _("Pickup cancelled")
        PICKUP_COLLECTED = "pickup.collected", _("Pickup collected")
        PICKUP_MISSED = "pickup.missed", _("Pickup missed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # A worker sending the email holds it until then (no row lock while it talks to the mail
    # server); a claim that lapses was a worker that died, and the email is sent again.
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="notification_org")]

    def __str__(self):
        return self.title
