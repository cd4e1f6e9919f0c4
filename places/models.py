"""Where and when loading is allowed: municipalities, zones, bays, windows, closures."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history

from .geojson import right_hand_rule


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True, help_text="GM0546")

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class Zone(models.Model):
    """An area with one loading policy, typically a centre's zero-emission zone.

    The zone carries the rules that cities set for every bay inside it.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="zones",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    boundary = models.JSONField(_("boundary"), help_text=_("GeoJSON Polygon"), default=dict)
    zero_emission_zone = models.BooleanField(_("zero-emission zone"), default=True)
    zero_emission_from = models.DateField(
        _("zero-emission zone from"), null=True, blank=True,
        help_text=_("The first day the national zero-emission regime applies in this zone. "
                    "Empty: not yet decided, the regime does not apply."))
    zero_emission_enforced_from = models.DateField(
        _("zero-emission enforcement from"), null=True, blank=True,
        help_text=_("The first day refusals are enforced; before it (the warning period) a "
                    "vehicle the regime refuses is allowed with a warning. Empty: from the "
                    "zone's start."))
    max_stay_minutes = models.PositiveIntegerField(
        _("longest stay (minutes)"), default=60, validators=[MinValueValidator(5)]
    )
    buffer_minutes = models.PositiveIntegerField(
        _("buffer between bookings (minutes)"), default=0, validators=[MaxValueValidator(60)]
    )
    book_ahead_days = models.PositiveIntegerField(_("bookable days ahead"), default=28)
    min_lead_minutes = models.PositiveIntegerField(
        _("latest booking before start (minutes)"), default=0
    )
    max_vehicle_length_m = models.DecimalField(
        _("longest vehicle (m)"), max_digits=4, decimal_places=2, default=12
    )
    max_vehicle_weight_kg = models.PositiveIntegerField(_("heaviest vehicle (kg)"), default=18000)
    allocation_cutoff = models.TimeField(
        _("allocation cut-off (day before)"), default=dt.time(16, 0)
    )
    check_in_opens_minutes = models.PositiveIntegerField(
        _("check-in opens (minutes before the start)"), default=15,
        validators=[MaxValueValidator(240)],
    )
    no_show_grace_minutes = models.PositiveIntegerField(
        _("no-show after (minutes past the start without check-in)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    history = audit_history()

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [
            models.CheckConstraint(
                condition=Q(zero_emission_enforced_from__isnull=True) | Q(
                    zero_emission_from__isnull=False,
                    zero_emission_enforced_from__gte=models.F("zero_emission_from")),
                name="zone_ze_enforced_after_start"),
            models.UniqueConstraint(fields=["municipality", "name"], name="zone_name_unique",
                violation_error_message=_("This municipality already has a zone with this name.")),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.name}"

    def clean(self):
        # Stored as RFC 7946 wants it, whichever way the ring was drawn.
        self.boundary = right_hand_rule(self.boundary)
        start, enforced = self.zero_emission_from, self.zero_emission_enforced_from
        if enforced and (start is None or enforced < start):
            raise ValidationError({"zero_emission_enforced_from": _(
                "Enforcement cannot start before the zero-emission zone does.")})

    def zero_emission_regime_applies(self, day: dt.date) -> bool:
        """Whether the national zero-emission regime applies in this zone on `day`."""
        start = self.zero_emission_from
        return bool(self.zero_emission_zone and start is not None and day >= start)

    def zero_emission_warning_only(self, day: dt.date) -> bool:
        """True in the warning period: the regime applies but refusals are not enforced."""
        enforced = self.zero_emission_enforced_from
        return self.zero_emission_regime_applies(day) and enforced is not None and day < enforced


class LoadingBay(models.Model):
    """A stretch of kerb where vehicles may load and unload."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="bays")
    code = models.CharField(_("code"), max_length=20, unique=True)
    street = models.CharField(_("street"), max_length=120)
    house_number = models.CharField(_("near number"), max_length=20, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    kerb_length_m = models.DecimalField(_("kerb length (m)"), max_digits=5, decimal_places=2)
    max_vehicles = models.PositiveSmallIntegerField(_("vehicles at once"), default=1)
    max_vehicle_length_m = models.DecimalField(
        _("longest vehicle (m)"), max_digits=4, decimal_places=2
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = audit_history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("loading bay")
        verbose_name_plural = _("loading bays")
        constraints = [
            models.CheckConstraint(
                condition=Q(kerb_length_m__gt=0), name="bay_kerb_length_positive",
                violation_error_message=_("The kerb must be longer than 0 m.")
            ),
            models.CheckConstraint(condition=Q(max_vehicles__gte=1), name="bay_room_for_one",
                violation_error_message=_("A bay must have room for at least one vehicle.")),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="bay_coordinates_valid",
                violation_error_message=_("Latitude must lie between -90 and 90 and longitude "
                                          "between -180 and 180."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.street}"


class DatedQuerySet(models.QuerySet):
    """Rules with a version: `valid_from` (inclusive) until `valid_until` (exclusive)."""

    def in_force_on(self, day: dt.date):
        """Rows whose version holds on `day`; an empty date leaves that side open."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gt=day),
        )

    def not_ended(self, day: dt.date):
        """Rows in force on `day` or published for a later day."""
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


class DatedRule(models.Model):
    """A rule in force from one day until another: the dates every dated rule shares."""

    valid_from = models.DateField(_("in force from"), null=True, blank=True,
                                  help_text=_("Empty: since always."))
    valid_until = models.DateField(
        _("in force until"), null=True, blank=True,
        help_text=_("The first day it no longer applies. Empty: until further notice."),
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True


class TimeWindow(DatedRule):
    """A delivery window (venstertijd) on one weekday, for a zone or a single bay.

    A bay with windows of its own on a weekday uses those instead of its zone's.
    Windows are dated: the set in force on a day (a version) is the one whose
    `valid_from` has come and whose `valid_until` has not, so next year's windows
    can be published now. Dates are local (Amsterdam) days.
    """

    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="windows"
    )
    bay = models.ForeignKey(
        LoadingBay, on_delete=models.CASCADE, null=True, blank=True, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    zero_emission_only = models.BooleanField(_("zero-emission vehicles only"), default=False)
    history = audit_history()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="window_ends_after_start",
                violation_error_message=_("A window must end after it starts.")
            ),
            models.CheckConstraint(
                condition=(Q(zone__isnull=False) & Q(bay__isnull=True))
                | (Q(zone__isnull=True) & Q(bay__isnull=False)),
                name="window_for_zone_or_bay",
                violation_error_message=_("A window belongs to a zone or to a bay, not both and "
                                          "not neither."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="window_valid_until_after_valid_from",
                violation_error_message=_("A window must stop applying after the day it starts "
                                          "applying."),
            ),
        ]

    def __str__(self):
        kind = _("zero-emission only") if self.zero_emission_only else _("all vehicles")
        day = Weekday(self.weekday).label
        return f"{day} {self.start:%H:%M}–{self.end:%H:%M} ({kind})"

    def clean(self):
        if bool(self.zone_id) == bool(self.bay_id):
            raise ValidationError(_("A window belongs to a zone or to a bay, not both."))
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A window must end after it starts.")})
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _(
                "A window must stop applying after the day it starts applying.")})


class VehicleLimit(DatedRule):
    """A dated change to the longest or heaviest vehicle a zone (or the longest a bay) takes.

    On the days it is in force it stands in for the zone's or the bay's own limit; where
    two are in force at once, the one that started last counts.
    """

    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="vehicle_limits"
    )
    bay = models.ForeignKey(
        LoadingBay, on_delete=models.CASCADE, null=True, blank=True,
        related_name="vehicle_limits",
    )
    max_vehicle_length_m = models.DecimalField(
        _("longest vehicle (m)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    max_vehicle_weight_kg = models.PositiveIntegerField(
        _("heaviest vehicle (kg)"), null=True, blank=True, help_text=_("Zones only.")
    )
    history = audit_history()

    class Meta:
        ordering = ["valid_from", "pk"]
        verbose_name = _("dated vehicle limit")
        verbose_name_plural = _("dated vehicle limits")
        constraints = [
            models.CheckConstraint(
                condition=(Q(zone__isnull=False) & Q(bay__isnull=True))
                | (Q(zone__isnull=True) & Q(bay__isnull=False)),
                name="vehicle_limit_for_zone_or_bay",
                violation_error_message=_("A limit belongs to a zone or to a bay, not both and "
                                          "not neither."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="vehicle_limit_valid_until_after_valid_from",
                violation_error_message=_("A limit must stop applying after the day it starts "
                                          "applying."),
            ),
            models.CheckConstraint(
                condition=Q(max_vehicle_length_m__isnull=True) | Q(max_vehicle_length_m__gt=0),
                name="vehicle_limit_length_positive",
                violation_error_message=_("The longest vehicle must be longer than 0 m."),
            ),
            models.CheckConstraint(
                condition=Q(bay__isnull=True) | Q(max_vehicle_weight_kg__isnull=True),
                name="vehicle_limit_weight_for_zones",
                violation_error_message=_("The heaviest vehicle is set for a zone, not a bay."),
            ),
            models.CheckConstraint(
                condition=Q(max_vehicle_length_m__isnull=False)
                | Q(max_vehicle_weight_kg__isnull=False),
                name="vehicle_limit_says_something",
                violation_error_message=_("Give the longest or the heaviest vehicle."),
            ),
        ]

    def __str__(self):
        return f"{self.zone or self.bay} {self.valid_from or '…'}–{self.valid_until or '…'}"


class Closure(models.Model):
    """A period when a bay or a whole zone may not be used.

    Dates are inclusive. Optional times narrow each day (a market from 08:00 to
    14:00); optional weekdays make it recur within the dates (every Wednesday).
    """

    class Reason(models.TextChoices):
        MARKET = "market", _("Market day")
        ROADWORKS = "roadworks", _("Roadworks")
        HOLIDAY = "holiday", _("Public holiday")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    bay = models.ForeignKey(
        LoadingBay, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    weekdays = models.JSONField(
        _("on weekdays"), default=list, blank=True, help_text=_("Empty means every day.")
    )
    announced_at = models.DateTimeField(
        _("bookers notified"), null=True, blank=True, editable=False,
        help_text=_("When the bookings it hits were told; they are told once."),
    )
    history = audit_history()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="closure_dates_ordered",
                violation_error_message=_("The last day of a closure cannot be before its first "
                                          "day.")
            ),
            models.CheckConstraint(
                condition=(Q(zone__isnull=False) & Q(bay__isnull=True))
                | (Q(zone__isnull=True) & Q(bay__isnull=False)),
                name="closure_for_zone_or_bay",
                violation_error_message=_("Close either a whole zone or one bay: choose one of the "
                                          "two."),
            ),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(end_time__gt=models.F("start_time")),
                name="closure_times_ordered",
                violation_error_message=_("A closure must end after it starts; give both times, or "
                                          "neither for the whole day."),
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.start_date}–{self.end_date}"

    def clean(self):
        if bool(self.zone_id) == bool(self.bay_id):
            raise ValidationError(_("A closure applies to a zone or to a bay, not both."))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first.")})
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError(_("Give both times, or neither for the whole day."))
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("A closure must end after it starts.")})
        if not isinstance(self.weekdays, list) or any(
            not isinstance(d, int) or not 0 <= d <= 6 for d in self.weekdays
        ):
            raise ValidationError({"weekdays": _("Weekdays are numbers from 0 (Monday) to 6.")})

    def applies_on(self, day: dt.date) -> bool:
        in_range = self.start_date <= day <= self.end_date
        return in_range and (not self.weekdays or day.weekday() in self.weekdays)
