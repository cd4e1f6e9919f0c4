from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.permissions import request_organisation
from organisations.models import Vehicle
from organisations.plates import format_plate, normalise_plate, validate_plate


class VehicleSerializer(serializers.ModelSerializer):
    """A vehicle of the caller's organisation; plates are normalised (VX-123-B → VX123B)."""

    plate = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    display_plate = serializers.CharField(read_only=True)

    class Meta:
        model = Vehicle
        fields = ["id", "plate", "display_plate", "name", "category", "length_m", "weight_kg",
                  "zero_emission", "is_active"]
        extra_kwargs = {"length_m": {"min_value": Decimal("0.5"), "max_value": Decimal("25")}}
        validators = []  # plate uniqueness (per organisation) is checked below, more clearly

    def validate_plate(self, value):
        """Refuse a plate only when the caller's own organisation already has it.

        Another organisation's registration of the same plate is neither a clash nor
        mentioned: the answer is the one an unregistered plate gets.
        """
        plate = normalise_plate(value)
        if plate:
            try:
                validate_plate(plate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages, code="invalid_plate") from exc
            clash = Vehicle.objects.filter(organisation=self._organisation(), plate=plate)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    _("Your organisation already has a vehicle with plate %(plate)s.")
                    % {"plate": format_plate(plate)}, code="plate_taken")
        return plate

    def _organisation(self):
        if self.instance is not None:
            return self.instance.organisation
        return request_organisation(self.context["request"])

    def validate(self, attrs):
        category = attrs.get("category", getattr(self.instance, "category", None))
        plate = attrs.get("plate", getattr(self.instance, "plate", ""))
        if not plate and category != Vehicle.Category.CARGO_BIKE:
            raise serializers.ValidationError(
                {"plate": [_("Only cargo bikes may go without a licence plate.")]},
                code="plate_required")
        return attrs


class ZoneReadinessSerializer(serializers.Serializer):
    zone = serializers.CharField()
    access_ends = serializers.DateField(allow_null=True)
    code = serializers.CharField(allow_null=True)
    bookings_after = serializers.ListField(child=serializers.CharField())
    series_after = serializers.ListField(child=serializers.IntegerField())


class VehicleReadinessSerializer(serializers.Serializer):
    vehicle = serializers.IntegerField()
    plate = serializers.CharField()
    zones = ZoneReadinessSerializer(many=True)
