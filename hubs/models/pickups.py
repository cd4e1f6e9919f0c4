"""Shops' waste and recycling pickup requests."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class WasteStream(models.TextChoices):
    RESIDUAL = "residual", _("Residual waste")
    PAPER_CARDBOARD = "paper_cardboard", _("Paper and cardboard")
    GLASS = "glass", _("Glass")
    ORGANIC = "organic", _("Organic waste")
    PLASTICS_CANS = "plastics_cans", _("Plastics and cans")


class MissedReason(models.TextChoices):
    NOT_PUT_OUT = "not_put_out", _("Nothing was put out")
    NO_ACCESS = "no_access", _("No access to the containers")
    BLOCKED = "blocked", _("The street or bay was blocked")
    CONTAMINATED = "contaminated", _("Wrong waste in the container")
    VEHICLE_FULL = "vehicle_full", _("The vehicle was full")
    OTHER = "other", _("Other")


class PickupRequest(models.Model):
    """A shop's wish to have one waste stream collected on a day, inside a time window.

    One-off, or a series (`recurrence`) from which each day's request is made.
    The bundling run plans it into a collector's round and fills in the planned times.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PLANNED = "planned", _("Planned")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")
        UNPLANNED = "unplanned", _("Could not be planned")
        MISSED = "missed", _("Missed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pickup_requests"
    )
    stream = models.CharField(_("waste stream"), max_length=20, choices=WasteStream.choices)
    volume_litres = models.PositiveIntegerField(_("volume (litres)"))
    containers = models.PositiveSmallIntegerField(_("containers"), default=1)
    day = models.DateField(_("day"))
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    bay = models.ForeignKey(
        "places.LoadingBay",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pickup_requests",
        verbose_name=_("loading bay"),
    )
    recurrence_weekdays = models.JSONField(_("repeat on weekdays"), default=list, blank=True)
    recurrence_until = models.DateField(_("repeat until"), null=True, blank=True)
    series = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="occurrences"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    collector = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_pickups", verbose_name=_("collector"),
        help_text=_("Empty: any collector's planning run of the day may take it."),
    )
    planned_start = models.DateTimeField(_("planned from"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    flagged_reason = models.CharField(
        _("for the collector"), max_length=20, blank=True,
        help_text=_("Set when the pickup's bay closed and no open bay nearby could take it."),
    )


    rolled_through = models.DateField(
        _("requested through"), null=True, blank=True,
        help_text=_("A series' last day handled; later days are requested as they come "
                    "inside the horizon."),
    )
    collected_litres = models.PositiveIntegerField(_("collected (litres)"), null=True,
                                                   blank=True)
    collected_kg = models.DecimalField(_("collected (kg)"), max_digits=7, decimal_places=1,
                                       null=True, blank=True)
    missed_reason = models.CharField(_("why missed"), max_length=20, choices=MissedReason.choices,
                                     blank=True)
    missed_note = models.CharField(_("collector's note"), max_length=200, blank=True)
    outcome_at = models.DateTimeField(_("collected or missed at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["day", "window_start"]
        verbose_name = _("pickup request")
        verbose_name_plural = _("pickup requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="pickup_window_ordered"
            ),
            models.CheckConstraint(condition=Q(volume_litres__gt=0), name="pickup_volume_positive"),
            # Rolling a series forward requests each day once, however often it runs.
            models.UniqueConstraint(fields=["series", "day"], name="pickup_series_day_once"),
        ]
        indexes = [models.Index(fields=["day", "status"], name="pickup_day_status")]

    def __str__(self):
        return f"{self.get_stream_display()} {self.organisation} {self.day}"
