"""Collectors' vehicles, disposal sites and the planning runs that route them."""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.models import SolverRun
from organisations.models import Organisation
from places import localtime

from .hubs import Hub, LastMileChain
from .pickups import PickupRequest, WasteStream

# --- Collectors and planning ---------------------------------------------------------

GOODS = "goods"


class CompartmentKind(models.TextChoices):
    RESIDUAL = WasteStream.RESIDUAL.value, WasteStream.RESIDUAL.label
    PAPER_CARDBOARD = WasteStream.PAPER_CARDBOARD.value, WasteStream.PAPER_CARDBOARD.label
    GLASS = WasteStream.GLASS.value, WasteStream.GLASS.label
    ORGANIC = WasteStream.ORGANIC.value, WasteStream.ORGANIC.label
    PLASTICS_CANS = WasteStream.PLASTICS_CANS.value, WasteStream.PLASTICS_CANS.label
    GOODS = GOODS, _("Goods for delivery")


class CollectorVehicle(models.Model):
    """A collector's vehicle as the planner sees it: depot, shift and compartments."""

    vehicle = models.OneToOneField(
        "organisations.Vehicle", on_delete=models.CASCADE, related_name="collector_profile"
    )
    depot = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="collector_vehicles")
    shift_start = models.TimeField(_("shift starts"), default=dt.time(7, 0))
    shift_end = models.TimeField(_("shift ends"), default=dt.time(16, 0))
    max_trips = models.PositiveSmallIntegerField(
        _("most trips a day"), default=3, validators=[MinValueValidator(1)],
        help_text=_("A trip ends at a disposal site or back at the depot."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("collector vehicle")
        verbose_name_plural = _("collector vehicles")
        constraints = [
            models.CheckConstraint(
                condition=Q(shift_end__gt=models.F("shift_start")), name="collector_shift_ordered"
            ),
        ]

    def __str__(self):
        return str(self.vehicle)

    @property
    def organisation(self):
        return self.vehicle.organisation


class Compartment(models.Model):
    """Room in a vehicle for one stream (or for goods), in litres."""

    vehicle = models.ForeignKey(
        CollectorVehicle, on_delete=models.CASCADE, related_name="compartments"
    )
    kind = models.CharField(_("for"), max_length=20, choices=CompartmentKind.choices)
    capacity_litres = models.PositiveIntegerField(_("capacity (litres)"))

    class Meta:
        verbose_name = _("compartment")
        verbose_name_plural = _("compartments")
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "kind"], name="compartment_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.capacity_litres} l"


class DisposalSite(models.Model):
    """Where a full vehicle empties some streams before going on."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    streams = models.JSONField(
        _("accepted streams"), default=list, help_text=_("Empty means every stream.")
    )
    opens = models.TimeField(_("opens"), default=dt.time(6, 0))
    closes = models.TimeField(_("closes"), default=dt.time(18, 0))
    service_minutes = models.PositiveSmallIntegerField(_("time to empty (minutes)"), default=15)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("disposal site")
        verbose_name_plural = _("disposal sites")

    def __str__(self):
        return self.name


class PlanningRun(SolverRun):
    """One routing of a collector's day: pickups and last-mile deliveries, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        SUPERSEDED = "superseded", _("Replaced by a later run")
        FAILED = "failed", _("Failed")

    collector = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="planning_runs",
        verbose_name=_("collector"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    time_limit_seconds = models.PositiveIntegerField(_("solver time limit (s)"), default=30)
    stops_count = models.PositiveIntegerField(_("stops"), default=0)
    planned_count = models.PositiveIntegerField(_("planned"), default=0)
    conflicts_count = models.PositiveIntegerField(
        _("lost to other bookings"), default=0,
        help_text=_("Planned stops whose kerb time was no longer free when the plan was applied."),
    )
    vehicles_used = models.PositiveIntegerField(_("vehicles"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    solver_seconds = models.FloatField(_("solver time (s)"), null=True, blank=True)

    class Meta(SolverRun.Meta):
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        constraints = [
            # One applied plan per collector and day: a second would book the kerb twice.
            models.UniqueConstraint(
                fields=["collector", "day"], condition=Q(status="applied"),
                name="planning_applied_once_per_collector_day",
            ),
        ]

    def __str__(self):
        return f"{self.collector} {self.day} ({self.get_status_display()})"


class PlannedRoute(models.Model):
    """One vehicle's round in an applied planning run."""

    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="routes")
    vehicle = models.ForeignKey(
        CollectorVehicle, on_delete=models.PROTECT, related_name="planned_routes"
    )
    depot = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("leaves depot"))
    end = models.DateTimeField(_("back at depot"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    trips = models.PositiveSmallIntegerField(_("trips into the zone"))

    class Meta:
        ordering = ["run", "start"]
        verbose_name = _("planned route")
        verbose_name_plural = _("planned routes")

    def __str__(self):
        return f"{self.vehicle} {localtime.wall_clock(self.start)}"


class RouteStop(models.Model):
    """One point of a planned route, with its times and the kerb booking it holds."""

    class Kind(models.TextChoices):
        DEPOT = "depot", _("Depot")
        PICKUP = "pickup", _("Pickup")
        DELIVERY = "delivery", _("Delivery")
        DISPOSAL = "disposal", _("Disposal site")

    route = models.ForeignKey(PlannedRoute, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    pickup = models.ForeignKey(
        PickupRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="route_stops"
    )
    chain = models.ForeignKey(
        LastMileChain, on_delete=models.SET_NULL, null=True, blank=True, related_name="route_stops"
    )
    disposal_site = models.ForeignKey(
        DisposalSite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bay = models.ForeignKey(
        "places.LoadingBay", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    arrival = models.DateTimeField(_("arrival"))
    start = models.DateTimeField(_("service from"))
    end = models.DateTimeField(_("service until"))
    load = models.JSONField(_("on board after"), default=dict, blank=True)
    depot_round_trip_m = models.PositiveIntegerField(
        _("depot round trip (m)"), default=0,
        help_text=_("Distance of the unbundled baseline: from the depot here and back."),
    )
    flagged_reason = models.CharField(
        _("for the collector"), max_length=20, blank=True,
        help_text=_("Set when the stop's bay closed and no open bay nearby could take it."),
    )

    class Meta:
        ordering = ["route", "sequence"]
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        constraints = [
            models.UniqueConstraint(fields=["route", "sequence"], name="route_stop_order_unique"),
        ]

    def __str__(self):
        return f"{self.sequence}. {self.get_kind_display()}"
