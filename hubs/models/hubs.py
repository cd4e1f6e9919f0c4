"""Shared hubs: doors, opening hours, closures, dock and storage reservations, chains."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history
from organisations.models import Organisation
from places import localtime
from places.models import Weekday

# --- Shared hubs ------------------------------------------------------------------


class Hub(models.Model):
    """A logistics hub that several municipalities share.

    Carriers reserve its dock doors for inbound trucks and its pallet places
    for storage; the collectors' and last-mile vehicles start and end there.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    street_address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    municipalities = models.ManyToManyField(
        "places.Municipality", through="HubShare", related_name="hubs",
        verbose_name=_("municipalities"),
    )
    operator = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="operated_hubs", verbose_name=_("operator"),
    )
    storage_pallet_places = models.PositiveIntegerField(_("pallet places"), default=0)
    slot_minutes = models.PositiveSmallIntegerField(
        _("dock slot grid (minutes)"), default=15, validators=[MinValueValidator(5)]
    )
    max_dock_minutes = models.PositiveIntegerField(_("longest dock stay (minutes)"), default=120)
    book_ahead_days = models.PositiveIntegerField(_("bookable days ahead"), default=28)
    handling_minutes = models.PositiveIntegerField(
        _("handling time inbound to last mile (minutes)"), default=30,
        help_text=_("Time between a truck's dock slot ending and its goods leaving by last mile."),
    )
    planning_cutoff = models.TimeField(
        _("pickup planning cut-off (day before)"), default=dt.time(16, 0)
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="hub_coordinates_valid",
            ),
        ]

    def __str__(self):
        return self.name


class HubShare(models.Model):
    """A municipality's part in a hub; with a quota, its share of the dock doors at any time."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="shares")
    municipality = models.ForeignKey(
        "places.Municipality", on_delete=models.PROTECT, related_name="hub_shares",
        verbose_name=_("municipality"),
    )
    dock_share_percent = models.PositiveSmallIntegerField(
        _("share of dock doors (%)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty when the municipalities agreed no quotas."),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("hub share")
        verbose_name_plural = _("hub shares")
        constraints = [
            models.UniqueConstraint(fields=["hub", "municipality"], name="hub_share_once"),
            models.CheckConstraint(
                condition=Q(dock_share_percent__isnull=True)
                | Q(dock_share_percent__gte=1, dock_share_percent__lte=100),
                name="hub_share_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} @ {self.hub}"


class HubOpeningHours(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="hub_hours_ordered"
            ),
        ]

    def __str__(self):
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HubClosure(models.Model):
    """Days (inclusive), or hours of days, when the hub takes no trucks."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="closures")
    description = models.CharField(_("description"), max_length=200, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("hub closure")
        verbose_name_plural = _("hub closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="hub_closure_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(end_time__gt=models.F("start_time")),
                name="hub_closure_times_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.hub} {self.start_date}–{self.end_date}"


class DockDoor(models.Model):
    """One dock door: one truck at a time, up to a vehicle length (its size class)."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="doors")
    code = models.CharField(_("code"), max_length=20)
    max_vehicle_length_m = models.DecimalField(
        _("longest vehicle (m)"), max_digits=4, decimal_places=2
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hub", "max_vehicle_length_m", "code"]
        verbose_name = _("dock door")
        verbose_name_plural = _("dock doors")
        constraints = [
            models.UniqueConstraint(fields=["hub", "code"], name="dock_door_code_unique"),
            models.CheckConstraint(
                condition=Q(max_vehicle_length_m__gt=0), name="dock_door_length_positive"
            ),
        ]

    def __str__(self):
        return f"{self.hub} {self.code}"


class ReservationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class DockReservationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=ReservationStatus.CONFIRMED)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class DockReservation(models.Model):
    """A carrier's inbound truck at one dock door of a hub, from start to end."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="dock_reservations")
    door = models.ForeignKey(DockDoor, on_delete=models.PROTECT, related_name="reservations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dock_reservations"
    )
    municipality = models.ForeignKey(
        "places.Municipality", on_delete=models.PROTECT, null=True, blank=True,
        related_name="dock_reservations", verbose_name=_("for municipality"),
        help_text=_("Whose share of the doors this uses, where the hub has quotas."),
    )
    vehicle = models.ForeignKey(
        "organisations.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="dock_reservations",
    )
    plate = models.CharField(_("licence plate"), max_length=8, blank=True)
    vehicle_length_m = models.DecimalField(_("vehicle length (m)"), max_digits=4, decimal_places=2)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReservationStatus.choices,
        default=ReservationStatus.CONFIRMED,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = DockReservationQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("dock reservation")
        verbose_name_plural = _("dock reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="dock_reservation_ordered"
            ),
            models.CheckConstraint(
                condition=Q(vehicle_length_m__gt=0), name="dock_reservation_length_positive"
            ),
        ]
        indexes = [
            # The capacity check reads every confirmed reservation of a hub on a day.
            models.Index(fields=["hub", "start", "end"], name="dock_res_hub_time"),
            models.Index(fields=["organisation", "start"], name="dock_res_org_time"),
        ]

    def __str__(self):
        return f"{self.reference} {self.door.code} {localtime.wall_clock(self.start)}"


class StorageReservation(models.Model):
    """Pallet places at a hub for a carrier, from the first to the last day (inclusive)."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="storage_reservations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="storage_reservations"
    )
    pallets = models.PositiveIntegerField(_("pallet places"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReservationStatus.choices,
        default=ReservationStatus.CONFIRMED,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("storage reservation")
        verbose_name_plural = _("storage reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="storage_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(pallets__gt=0), name="storage_pallets_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.pallets} × {self.start_date}–{self.end_date}"


class LastMileChain(models.Model):
    """A carrier's inbound dock slot, linked to the electric last-mile delivery into the zone.

    The delivery's kerb time is a Booking made with the slot; the chain's
    services move or re-check all of them together, or none.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    inbound = models.OneToOneField(
        DockReservation, on_delete=models.PROTECT, related_name="chain",
        verbose_name=_("inbound dock slot"),
    )
    delivery = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="hub_chain",
        verbose_name=_("last-mile kerb booking"),
    )
    recipient = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="incoming_chains", verbose_name=_("receiving shop"),
    )
    last_mile_operator = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="last_mile_chains", verbose_name=_("last-mile operator"),
        help_text=_("Whose electric rounds carry the goods; its planning may move the delivery."),
    )
    goods_litres = models.PositiveIntegerField(_("goods volume (litres)"), default=0)
    delivery_latest = models.TimeField(_("deliver by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("last-mile chain")
        verbose_name_plural = _("last-mile chains")

    def __str__(self):
        return f"{self.inbound.reference} → {self.delivery.reference}"
