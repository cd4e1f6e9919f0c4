"""Who uses Venster: organisations, their people and their vehicles."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history
from places.models import Municipality

from .plates import format_plate, normalise_plate, validate_plate


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SHOP = "shop", _("Shop")
        CARRIER = "carrier", _("Carrier")
        WASTE_COLLECTOR = "waste_collector", _("Waste collector")
        MUNICIPALITY = "municipality", _("Municipality")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("For a municipality: which one. Empty for a regional administration."),
    )
    street_address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token,
        help_text=_("Secret in the calendar feed's address; change it to revoke old links."),
    )
    # Kept by webhooks.services whenever an endpoint is added or removed: every booking
    # publishes an event, and most organisations have no endpoint to publish it to.
    has_webhook_endpoints = models.BooleanField(
        _("has webhook endpoints"), default=False, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's place in one organisation, with what they may do there."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        PLANNER = "planner", _("Planner")
        DRIVER = "driver", _("Driver")
        ENFORCER = "enforcer", _("Enforcement officer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PLANNER)
    history = audit_history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Vehicle(models.Model):
    """One organisation's registration of a vehicle it drives.

    The same plate may be registered by several organisations (a hired van used by
    several carriers); each registration is its own row, booked and judged busy on its
    own. Zero-emission status and exemptions follow the plate (the register's), and
    enforcement finds a plate's bookings whichever organisation made them.
    """

    class Category(models.TextChoices):
        CARGO_BIKE = "cargo_bike", _("Cargo bike")
        LIGHT_EV = "light_ev", _("Light electric vehicle")
        VAN = "van", _("Van")
        TRUCK = "truck", _("Truck")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="vehicles"
    )
    plate = models.CharField(
        _("licence plate"),
        max_length=8,
        blank=True,
        help_text=_("Cargo bikes have none."),
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    length_m = models.DecimalField(_("length (m)"), max_digits=4, decimal_places=2)
    weight_kg = models.PositiveIntegerField(_("maximum mass (kg)"), default=3500)
    zero_emission = models.BooleanField(_("zero-emission"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = audit_history()

    class Meta:
        ordering = ["organisation__name", "plate"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            # Once per organisation, not once overall: a hired or shared van is registered by
            # every organisation that drives it, and a registration elsewhere is none of the
            # caller's business (nor may the answer to registering a plate reveal it).
            models.UniqueConstraint(
                fields=["organisation", "plate"], condition=~Q(plate=""),
                name="vehicle_plate_unique_per_organisation",
            ),
            models.CheckConstraint(condition=Q(length_m__gt=0), name="vehicle_length_positive"),
            models.CheckConstraint(
                condition=~Q(plate="") | Q(category="cargo_bike"),
                name="vehicle_plate_required_unless_cargo_bike",
            ),
        ]

    def __str__(self):
        return self.display_plate or self.name or f"{self.get_category_display()} {self.pk}"

    @property
    def display_plate(self) -> str:
        return format_plate(self.plate) if self.plate else ""

    def clean(self):
        self.plate = normalise_plate(self.plate)
        if self.plate:
            validate_plate(self.plate)
