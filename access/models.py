"""Zero-emission access: what the national vehicle register says, and exemptions.

The register rows are a local copy of the RDW open data ("Gekentekende
voertuigen" and its fuel table), loaded by `manage.py import_rdw`. Exemptions
(ontheffingen) are recorded by a municipality's admins.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from operations.history import audit_history
from places.models import Municipality, Zone

# RDW "Brandstof omschrijving" values that emit nothing at the tailpipe.
ZERO_EMISSION_FUELS = frozenset({"Elektriciteit", "Waterstof"})


def is_zero_emission(fuels) -> bool:
    """Zero-emission when the vehicle has fuels and every one of them is electricity or hydrogen."""
    fuels = list(fuels)
    return bool(fuels) and all(fuel in ZERO_EMISSION_FUELS for fuel in fuels)


class RegisteredVehicle(models.Model):
    """One licence plate as the RDW register lists it.

    `fuels` and `zero_emission` are derived from RegisteredFuel rows by the
    importer, so that a booking needs one query to know the answer.
    """

    plate = models.CharField(_("licence plate"), max_length=8, unique=True)
    vehicle_kind = models.CharField(_("vehicle kind"), max_length=60, blank=True,
                                    help_text=_("RDW Voertuigsoort, e.g. Bedrijfsauto"))
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    trade_name = models.CharField(_("model"), max_length=80, blank=True)
    first_admission = models.DateField(_("first admission"), null=True, blank=True)
    mass_ready_kg = models.PositiveIntegerField(_("mass ready to drive (kg)"), null=True,
                                                blank=True)
    max_mass_kg = models.PositiveIntegerField(_("maximum permitted mass (kg)"), null=True,
                                              blank=True)
    length_cm = models.PositiveIntegerField(_("length (cm)"), null=True, blank=True)
    eu_category = models.CharField(_("European vehicle category"), max_length=8, blank=True,
                                   help_text=_("RDW Europese voertuigcategorie, e.g. N1"))
    body_type = models.CharField(_("body type"), max_length=60, blank=True,
                                 help_text=_("RDW Inrichting, e.g. opleggertrekker"))
    wheelchair_places = models.PositiveSmallIntegerField(_("wheelchair places"), null=True,
                                                         blank=True)
    fuels = models.JSONField(_("fuels"), default=list, blank=True)
    zero_emission = models.BooleanField(_("zero-emission"), default=False)
    emission_class = models.PositiveSmallIntegerField(
        _("emission class"), null=True, blank=True,
        help_text=_("Euro class from the fuel file (Emissieklasse, else Uitlaatemissieniveau)"))
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["plate"]
        verbose_name = _("registered vehicle")
        verbose_name_plural = _("registered vehicles")

    def __str__(self):
        return self.plate

    def regime_facts(self):
        """What the zero-emission regime needs of this vehicle."""
        from .regime import RegimeVehicle

        return RegimeVehicle(
            zero_emission=self.zero_emission, eu_category=self.eu_category,
            vehicle_kind=self.vehicle_kind, body_type=self.body_type,
            first_admission=self.first_admission, emission_class=self.emission_class,
            max_mass_kg=self.max_mass_kg, wheelchair_places=self.wheelchair_places,
        )


class RegisteredFuel(models.Model):
    """One fuel of a plate (RDW Gekentekende_voertuigen_brandstof); a hybrid has two.

    Keyed by plate rather than a foreign key, so the two files can be loaded in
    either order and a fuel row never waits for its vehicle row.
    """

    plate = models.CharField(_("licence plate"), max_length=8)
    sequence = models.PositiveSmallIntegerField(_("fuel number"))
    fuel = models.CharField(_("fuel"), max_length=40)
    emission_class = models.CharField(_("emission class"), max_length=10, blank=True)
    emission_level = models.CharField(_("exhaust emission level"), max_length=30, blank=True,
                                      help_text=_("RDW Uitlaatemissieniveau, e.g. EURO 6 AG"))

    class Meta:
        ordering = ["plate", "sequence"]
        verbose_name = _("registered fuel")
        verbose_name_plural = _("registered fuels")
        constraints = [
            models.UniqueConstraint(fields=["plate", "sequence"], name="registered_fuel_once"),
        ]

    def __str__(self):
        return f"{self.plate} {self.sequence}: {self.fuel}"


class Exemption(models.Model):
    """An exemption (ontheffing) for one plate in a municipality or one of its zones.

    A long-term exemption lets a vehicle count as zero-emission every day it is
    valid. A day exemption lets it do so on at most `days_per_year` days a year
    in that municipality; each day used is a DayExemptionUse.
    """

    class Kind(models.TextChoices):
        LONG_TERM = "long_term", _("Long-term exemption")
        DAY = "day", _("Day exemption")

    plate = models.CharField(_("licence plate"), max_length=8)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="exemptions",
        verbose_name=_("municipality"),
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="exemptions",
        help_text=_("Empty: every zone of the municipality."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), help_text=_("Inclusive."))
    days_per_year = models.PositiveSmallIntegerField(
        _("day exemptions a year"), default=12,
        help_text=_("For day exemptions: how many days a calendar year this vehicle may use."),
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True,
                                 help_text=_("The municipality's decision number."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["plate", "valid_from"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="exemption_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(days_per_year__lte=366),
                                   name="exemption_days_per_year_sane"),
        ]
        indexes = [models.Index(fields=["plate", "municipality"], name="exemption_plate_mun")]

    def __str__(self):
        return f"{self.plate} {self.get_kind_display()} {self.valid_from}–{self.valid_until}"

    def clean(self):
        from organisations.plates import normalise_plate, validate_plate

        self.plate = normalise_plate(self.plate)
        if self.plate:
            validate_plate(self.plate)
        same_place = self.zone.municipality_id == self.municipality_id if self.zone_id else True
        if self.municipality_id and not same_place:
            raise ValidationError({"zone": _("The zone must lie in the municipality.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The last day cannot be before the first.")})


class DayExemptionUse(models.Model):
    """One day on which a vehicle used a day exemption in a municipality.

    The unique constraint makes a second use of the same day a no-op, never a
    second count; the yearly limit is checked under a lock in the service.
    """

    plate = models.CharField(_("licence plate"), max_length=8)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="day_exemption_uses",
        verbose_name=_("municipality"),
    )
    exemption = models.ForeignKey(Exemption, on_delete=models.CASCADE, related_name="uses")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("day exemption used")
        verbose_name_plural = _("day exemptions used")
        constraints = [
            models.UniqueConstraint(fields=["plate", "municipality", "day"],
                                    name="day_exemption_once_a_day"),
        ]

    def __str__(self):
        return f"{self.plate} {self.municipality} {self.day}"
