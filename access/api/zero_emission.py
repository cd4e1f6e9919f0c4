"""/api/v1/zero-emission/check: the zero-emission decision for a plate, a zone and a day."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.viewsets import VensterAPIMixin
from organisations.plates import normalise_plate, validate_plate
from places.models import Zone

from ..services import Basis, zero_emission_access
from .serializers import access_data


@extend_schema_field(OpenApiTypes.STR)
class ZoneRefField(serializers.Field):
    """A zone by its slug or its id (a plain field: a related field's repr would query)."""

    default_error_messages = {"does_not_exist": _("No zone %(value)s.")}

    def to_internal_value(self, data):
        value = str(data).strip()
        zones = Zone.objects.select_related("municipality")
        zone = (zones.filter(pk=int(value)).first() if value.isdigit() and len(value) < 18
                else zones.filter(slug=value).first())
        if zone is None:
            self.fail("does_not_exist", value=value[:40])
        return zone

    def to_representation(self, value):
        return value.slug


class ZeroEmissionCheckQuerySerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=12, help_text=_("Licence plate, e.g. GV-123-B."))
    zone = ZoneRefField(help_text=_("The zone's slug or id."))
    date = serializers.DateField(help_text=_("The local day of the visit (YYYY-MM-DD)."))

    def validate_plate(self, value):
        try:
            validate_plate(value)
        except Exception as exc:  # Django's ValidationError, said as DRF's
            raise serializers.ValidationError(
                _("This is not a Dutch licence plate (for example GV-123-B)."),
                code="invalid_plate") from exc
        return normalise_plate(value)


class ZeroEmissionAccessSerializer(serializers.Serializer):
    plate = serializers.CharField()
    zone = serializers.CharField()
    date = serializers.DateField()
    allowed = serializers.BooleanField()
    basis = serializers.ChoiceField(choices=Basis.ALL, allow_null=True, help_text=_(
        "Why the vehicle is allowed; null when refused."))
    allowed_until = serializers.DateField(allow_null=True, help_text=_(
        "The first day the vehicle is refused in this zone; null when no end is known."))
    code = serializers.CharField(allow_null=True, help_text=_(
        "Stable refusal code; in the warning period also set while allowed."))
    warning = serializers.BooleanField(help_text=_(
        "Allowed only because the zone's warning period has not ended."))


class ZeroEmissionCheckView(VensterAPIMixin, APIView):
    @extend_schema(
        parameters=[ZeroEmissionCheckQuerySerializer], responses=ZeroEmissionAccessSerializer,
        summary="May this vehicle enter this zero-emission zone on this day?",
        description=(
            "The zero-emission decision that every booking in the zone is held to: the "
            "national regime by the vehicle's register facts (category, body type, first "
            "admission, emission class), the zone's start and warning period, and exemptions. "
            "`basis` is one of zero_emission, transitional, exemption, "
            "day_exemption_available, not_subject (null when refused); `allowed_until` is the "
            "first day the vehicle is refused; `code` is the stable refusal code."))
    def get(self, request):
        query = ZeroEmissionCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        access = zero_emission_access(data["plate"], data["zone"], data["date"])
        return Response({"plate": data["plate"], "zone": data["zone"].slug,
                         "date": data["date"].isoformat(), **access_data(access)})
