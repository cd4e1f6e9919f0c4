"""Bookings of kerb time at a loading bay."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, Vehicle
from places.models import LoadingBay


class BookingQuerySet(models.QuerySet):
    def occupying(self):
        """Bookings that hold kerb space: confirmed, or the vehicle is there now."""
        return self.filter(status__in=Booking.OCCUPYING)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class Booking(models.Model):
    """One vehicle's stay at one bay.

    Length and zero-emission status are copied from the vehicle when booked, so
    that editing a vehicle later never re-fills a bay in the past.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        API = "api", _("API")
        OPTIMISER = "optimiser", _("Optimiser")
        ADMIN = "admin", _("Admin")

    OCCUPYING = (Status.CONFIRMED, Status.CHECKED_IN)

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    bay = models.ForeignKey(LoadingBay, on_delete=models.PROTECT, related_name="bookings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bookings"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    plate = models.CharField(_("licence plate"), max_length=8, blank=True)
    vehicle_length_m = models.DecimalField(_("vehicle length (m)"), max_digits=4, decimal_places=2)
    zero_emission = models.BooleanField(_("zero-emission"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    channel = models.CharField(_("booked via"), max_length=20, choices=Channel.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    history = HistoricalRecords()

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "bay__code"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(vehicle_length_m__gt=0), name="booking_vehicle_length_positive"
            ),
        ]
        indexes = [
            # Availability reads every occupying booking of a set of bays on a day.
            models.Index(fields=["bay", "start", "end"], name="booking_bay_time"),
            models.Index(fields=["organisation", "start"], name="booking_org_time"),
            models.Index(fields=["plate", "start"], name="booking_plate_time"),
        ]

    def __str__(self):
        return f"{self.reference} {self.bay.code} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_occupying(self) -> bool:
        return self.status in self.OCCUPYING
