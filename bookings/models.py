"""Bookings of kerb time at a loading bay."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history
from operations.models import SolverRun
from organisations.models import Organisation, Vehicle
from places import localtime
from places.models import LoadingBay


class BookingQuerySet(models.QuerySet):
    def occupying(self):
        """Bookings that hold kerb space: confirmed, or the vehicle is there now."""
        return self.filter(status__in=Booking.OCCUPYING)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def occupying_stays(self, bay_ids: list[int], start, end, *, held_at=None,
                        exclude_hold_id: int | None = None) -> list[tuple]:
        """(pk, bay_id, start, end, vehicle_length_m) of the occupying bookings at these bays
        that overlap [start, end); with ``held_at``, also the time open waitlist offers hold
        then (pk None: a hold is no booking), but for ``exclude_hold_id``'s own.

        The same rows as occupying().overlapping() (and WaitlistEntry.objects.holding())
        but written as SQL in one query: this runs on every availability query and every
        booking, and building the ORM query (and a model instance per row) cost more CPU
        than running it.
        """
        if not bay_ids:
            return []
        connection = connections[self.db]
        quote = connection.ops.quote_name
        adapt = connection.ops.adapt_datetimefield_value
        columns = (f"{quote('bay_id')}, {quote('start')}, {quote('end')}, "
                   f"{quote('vehicle_length_m')}")
        in_bays = f"{quote('bay_id')} IN ({', '.join(['%s'] * len(bay_ids))})"
        overlapping = f"{quote('start')} < %s AND {quote('end')} > %s"
        sql = (
            f"SELECT {quote('id')}, {columns} FROM {quote(Booking._meta.db_table)} "
            f"WHERE {in_bays} "
            f"AND {quote('status')} IN ({', '.join(['%s'] * len(Booking.OCCUPYING))}) "
            f"AND {overlapping}"
        )
        params = [*bay_ids, *Booking.OCCUPYING, adapt(end), adapt(start)]
        if held_at is not None:
            sql += (
                f" UNION ALL SELECT NULL, {columns} FROM {quote(WaitlistEntry._meta.db_table)} "
                f"WHERE {in_bays} AND {quote('status')} = %s "
                f"AND {quote('offer_expires_at')} > %s AND {overlapping} "
                f"AND {quote('id')} <> %s"
            )
            params += [*bay_ids, WaitlistEntry.Status.OFFERED, adapt(held_at), adapt(end),
                       adapt(start), exclude_hold_id or 0]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [(pk, bay_id, _aware(start), _aware(end), _decimal(length))
                for pk, bay_id, start, end, length in rows]


def _aware(value) -> dt.datetime:
    """PostgreSQL returns aware datetimes; SQLite naive UTC ones (or text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def refuse_another_organisations_vehicle(row) -> None:
    """For forms, the admin's included: a row's vehicle is its organisation's own, as the
    services demand (bookings.services.check_own_vehicle)."""
    if row.vehicle_id and row.organisation_id and \
            row.vehicle.organisation_id != row.organisation_id:
        raise ValidationError({"vehicle": _("The vehicle belongs to another organisation.")})


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

    class AffectedReason(models.TextChoices):
        WINDOW_CHANGED = "window_changed", _("The delivery windows changed")
        BAY_CLOSED = "bay_closed", _("The bay is closed")

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
    vehicle_mass_kg = models.PositiveIntegerField(
        _("vehicle maximum mass (kg)"), null=True, blank=True,
        help_text=_("The register's for a plate it lists, else as declared."))
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
    series = models.ForeignKey(
        "BookingSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("recurring booking"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # A rule change (windows, closure) no longer allows the booked time: the booker was told,
    # with the alternatives below; moving or cancelling the booking clears all three.
    affected_at = models.DateTimeField(_("affected by a rule change"), null=True, blank=True)
    affected_reason = models.CharField(_("why affected"), max_length=20, blank=True,
                                       choices=AffectedReason.choices)
    affected_alternatives = models.JSONField(_("alternatives offered"), default=list, blank=True)
    history = audit_history()

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
            # A series books each of its dates once, however often rolling forward runs.
            models.UniqueConstraint(
                fields=["series", "start"],
                condition=Q(series__isnull=False) & ~Q(status="cancelled"),
                name="booking_series_date_once",
            ),
        ]
        indexes = [
            # Availability reads every occupying booking of a set of bays on a day.
            models.Index(fields=["bay", "start", "end"], name="booking_bay_time"),
            models.Index(fields=["organisation", "start"], name="booking_org_time"),
            models.Index(fields=["plate", "start"], name="booking_plate_time"),
        ]

    def __str__(self):
        return f"{self.reference} {self.bay.code} {localtime.wall_clock(self.start)}"

    def clean(self):
        refuse_another_organisations_vehicle(self)

    @property
    def is_occupying(self) -> bool:
        return self.status in self.OCCUPYING

    @property
    def is_affected(self) -> bool:
        return self.affected_at is not None


class Quota(models.Model):
    """Fair use of public kerb space: the most minutes one organisation may hold in a zone a day.

    Honoured by the batch allocation (and shown to planners); instant bookings
    are first come, first served within the bays' own limits.
    """

    zone = models.ForeignKey("places.Zone", on_delete=models.CASCADE, related_name="quotas")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="quotas")
    max_minutes_per_day = models.PositiveIntegerField(_("most minutes a day"))
    history = audit_history()

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["zone", "organisation"], name="quota_once_per_zone"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.zone}: {self.max_minutes_per_day} min"


class AllocationRun(SolverRun):
    """One batch allocation of a zone's collected requests for a day, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    zone = models.ForeignKey(
        "places.Zone", on_delete=models.PROTECT, related_name="allocation_runs"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    bound = models.BigIntegerField(_("proven upper bound"), null=True, blank=True)
    fcfs_objective = models.BigIntegerField(
        _("first-come-first-served objective"), null=True, blank=True
    )
    requests_count = models.PositiveIntegerField(_("requests"), default=0)
    served_count = models.PositiveIntegerField(_("served"), default=0)
    fcfs_served_count = models.PositiveIntegerField(_("served first-come-first-served"), default=0)
    conflicts_count = models.PositiveIntegerField(
        _("lost to instant bookings"),
        default=0,
        help_text=_("Planned requests that no longer fitted when the plan was applied."),
    )

    class Meta(SolverRun.Meta):
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        constraints = [
            # At most one run of a zone's day is applied: a second would book twice.
            models.UniqueConstraint(
                fields=["zone", "day"],
                condition=Q(status="applied"),
                name="allocation_applied_once_per_zone_day",
            ),
        ]

    def __str__(self):
        return f"{self.zone} {self.day} ({self.get_status_display()})"


class BookingRequest(models.Model):
    """A wish for kerb time on a day, collected until the zone's cut-off and then allocated.

    The request names the window it can live with and the bays near its address
    it accepts; the allocation run turns it into a booking or refuses it with
    the nearest alternatives that are still free.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ALLOCATED = "allocated", _("Allocated")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    zone = models.ForeignKey("places.Zone", on_delete=models.PROTECT, related_name="requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="booking_requests"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="booking_requests"
    )
    vehicle_length_m = models.DecimalField(_("vehicle length (m)"), max_digits=4, decimal_places=2)
    vehicle_mass_kg = models.PositiveIntegerField(
        _("vehicle maximum mass (kg)"), null=True, blank=True,
        help_text=_("The register's for a plate it lists, else as declared."))
    zero_emission = models.BooleanField(_("zero-emission"))
    day = models.DateField(_("day"))
    earliest_start = models.DateTimeField(_("earliest start"))
    latest_end = models.DateTimeField(_("latest end"))
    preferred_start = models.DateTimeField(_("preferred start"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    weight = models.PositiveSmallIntegerField(
        _("priority weight"), default=1, help_text=_("1 ordinary; more for fresh food or waste.")
    )
    bays = models.ManyToManyField(
        LoadingBay, related_name="requests", verbose_name=_("accepted bays")
    )
    address_latitude = models.FloatField(_("delivery latitude"), null=True, blank=True)
    address_longitude = models.FloatField(_("delivery longitude"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )
    allocation_run = models.ForeignKey(
        AllocationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    refusal_reason = models.CharField(_("reason refused"), max_length=200, blank=True)
    alternatives = models.JSONField(_("alternatives offered"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("submitted via"), max_length=20, choices=Booking.Channel.choices)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["day", "created_at"]
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(latest_end__gt=models.F("earliest_start")),
                name="request_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="request_duration_at_least_5"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="request_weight_positive"),
        ]
        indexes = [models.Index(fields=["zone", "day", "status"], name="request_zone_day")]

    def __str__(self):
        return f"{self.reference} {self.day} ({self.get_status_display()})"

    def clean(self):
        refuse_another_organisations_vehicle(self)


class BookingSeries(models.Model):
    """A recurring booking: the same bay and time on some weekdays, until a date.

    Each date is booked on its own through the booking service; the dates that
    could not be booked are kept with their reason so that nobody has to guess.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="booking_series"
    )
    bay = models.ForeignKey(LoadingBay, on_delete=models.PROTECT, related_name="booking_series")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="booking_series"
    )
    vehicle_length_m = models.DecimalField(_("vehicle length (m)"), max_digits=4, decimal_places=2)
    vehicle_mass_kg = models.PositiveIntegerField(
        _("vehicle maximum mass (kg)"), null=True, blank=True,
        help_text=_("The register's for a plate it lists, else as declared."))
    zero_emission = models.BooleanField(_("zero-emission"))
    weekdays = models.JSONField(_("weekdays"), default=list)
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    first_day = models.DateField(_("first day"))
    until = models.DateField(_("until"))
    not_booked = models.JSONField(
        _("dates not booked"),
        default=list,
        blank=True,
        help_text=_("Each date that could not be booked, with the reason."),
    )
    booked_through = models.DateField(
        _("booked through"), null=True, blank=True,
        help_text=_("The last date rolling forward has handled; later dates are booked "
                    "once they come inside the zone's booking horizon."),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=models.F("first_day")), name="series_until_after_first"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="series_duration_at_least_5"
            ),
        ]

    def __str__(self):
        return f"{self.bay.code} {self.start_time:%H:%M} {self.first_day}–{self.until}"

    def clean(self):
        refuse_another_organisations_vehicle(self)


class WaitlistQuerySet(models.QuerySet):
    def holding(self, now):
        """Open offers: each holds its time at the bay for its holder until it expires."""
        return self.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now)


class WaitlistEntry(models.Model):
    """A carrier waiting for a full time at a bay; freed time is offered to the first in line.

    An offer holds the room: for its offer period everybody else sees the time as
    taken, and the holder books it with one claim; an offer that expires passes
    to the next in line.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    bay = models.ForeignKey(LoadingBay, on_delete=models.CASCADE, related_name="waitlist")
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vehicle_length_m = models.DecimalField(_("vehicle length (m)"), max_digits=4, decimal_places=2)
    vehicle_mass_kg = models.PositiveIntegerField(
        _("vehicle maximum mass (kg)"), null=True, blank=True,
        help_text=_("The register's for a plate it lists, else as declared."))
    zero_emission = models.BooleanField(_("zero-emission"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = WaitlistQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="waitlist_ends_after_start"
            ),
            # A hold is only as good as its end: an offer always says until when it holds.
            models.CheckConstraint(
                condition=~Q(status="offered")
                | Q(offered_at__isnull=False, offer_expires_at__gt=models.F("offered_at")),
                name="waitlist_offer_holds_until_its_expiry",
            ),
            models.CheckConstraint(
                condition=Q(vehicle_length_m__gt=0), name="waitlist_vehicle_length_positive"
            ),
        ]
        indexes = [
            # A cancellation looks up who waits at its bay, first come first.
            models.Index(fields=["bay", "status", "created_at"], name="waitlist_bay_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="waitlist_offer_expiry"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.bay.code} {localtime.wall_clock(self.start)}"

    def clean(self):
        refuse_another_organisations_vehicle(self)
