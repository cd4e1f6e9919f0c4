"""Input and output shapes of the bookings API. Validation of form only; rules live in services."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import AwareDateTimeField, LocalInstantsField
from api.permissions import request_organisation
from api.serializers import FieldsBuiltOnceMixin
from bookings.models import Booking, BookingRequest, BookingSeries, WaitlistEntry
from organisations.models import Vehicle
from places import caching
from places.models import LoadingBay, Zone

MAX_DAYS_AHEAD = 400


@extend_schema_field(OpenApiTypes.INT)
class OwnVehicleField(serializers.PrimaryKeyRelatedField):
    """A vehicle id of the caller's organisation; another's id 'does not exist'."""

    def get_queryset(self):
        request = self.context.get("request")
        organisation = request_organisation(request) if request else None
        return Vehicle.objects.filter(organisation=organisation, is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class CachedBayField(serializers.PrimaryKeyRelatedField):
    """A bay id, read through the rules cache: bays are asked for far more often than they
    change. Refuses what PrimaryKeyRelatedField refuses, with its messages."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < pk < 2**63:  # no row has such an id, and the database cannot compare it
            self.fail("does_not_exist", pk_value=data)
        bay = caching.bays_by_pk([pk]).get(pk)
        if bay is None:
            self.fail("does_not_exist", pk_value=data)
        return bay


class VehicleChoiceMixin(serializers.Serializer):
    """Name one of your vehicles, or give a length, a maximum mass and whether it is
    zero-emission."""

    vehicle = OwnVehicleField(required=False, allow_null=True)
    vehicle_length_m = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("0.5"), max_value=Decimal("25"),
        required=False)
    vehicle_mass_kg = serializers.IntegerField(
        min_value=1, max_value=60000, required=False, allow_null=True,
        help_text=_("Maximum mass of a vehicle given without `vehicle`; needed where the zone "
                    "limits mass (`vehicle_mass_required`). With `vehicle` the register's "
                    "mass counts."))
    zero_emission = serializers.BooleanField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("vehicle") is None and (
            attrs.get("vehicle_length_m") is None or attrs.get("zero_emission") is None
        ):
            raise serializers.ValidationError(
                {"vehicle": [_("Give a vehicle, or vehicle_length_m and zero_emission.")]},
                code="vehicle_required")
        return attrs

    def vehicle_facts(self, attrs) -> dict:
        vehicle = attrs.get("vehicle")
        if vehicle is not None:
            return {"vehicle_length_m": vehicle.length_m, "zero_emission": vehicle.zero_emission}
        return {"vehicle_length_m": attrs["vehicle_length_m"],
                "zero_emission": attrs["zero_emission"]}

    def declared_vehicle(self, attrs) -> dict:
        """What a booking without a vehicle is judged by: length, mass, zero-emission."""
        return {**self.vehicle_facts(attrs), "vehicle_mass_kg": attrs.get("vehicle_mass_kg")}


class AlternativeSerializer(serializers.Serializer):
    bay = serializers.IntegerField(source="bay_id")
    bay_code = serializers.CharField(source="bay")
    street = serializers.CharField()
    distance_m = serializers.IntegerField()
    start = serializers.CharField(help_text=_("Local time with its offset (ISO 8601)."))
    end = serializers.CharField(help_text=_("Local time with its offset (ISO 8601)."))


class AcceptAlternativeSerializer(serializers.Serializer):
    bay = CachedBayField(queryset=LoadingBay.objects.select_related("zone"))
    start = AwareDateTimeField()


class BookingSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    bay_code = serializers.CharField(source="bay.code", read_only=True)
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    created_at = AwareDateTimeField()
    cancelled_at = AwareDateTimeField(allow_null=True)
    checked_in_at = AwareDateTimeField(allow_null=True)
    checked_out_at = AwareDateTimeField(allow_null=True)
    affected = serializers.BooleanField(source="is_affected", read_only=True, help_text=_(
        "A rule change (windows, closure) no longer allows this booking's time."))
    affected_reason = serializers.ChoiceField(
        choices=Booking.AffectedReason.choices, allow_blank=True, read_only=True,
        help_text=_("Why it is affected; empty when it is not."))
    affected_at = AwareDateTimeField(allow_null=True)
    alternatives = AlternativeSerializer(source="affected_alternatives", many=True,
                                         read_only=True, help_text=_(
                                             "Offered to an affected booking: take one with "
                                             "accept-alternative."))

    class Meta:
        model = Booking
        fields = ["reference", "bay", "bay_code", "vehicle", "plate", "vehicle_length_m",
                  "vehicle_mass_kg", "zero_emission", "start", "end", "status", "channel", "note",
                  "created_at", "cancelled_at", "checked_in_at", "checked_out_at", "affected",
                  "affected_reason", "affected_at", "alternatives"]
        read_only_fields = fields


class BookingCreateSerializer(FieldsBuiltOnceMixin, VehicleChoiceMixin):
    bay = CachedBayField(queryset=LoadingBay.objects.select_related("zone"))
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    bay = serializers.PrimaryKeyRelatedField(queryset=LoadingBay.objects.all(), required=False,
                                             help_text=_("Another bay; the same bay if left out."))


def _reachable_day(value: dt.date) -> dt.date:
    today = timezone.localdate()
    if not today - dt.timedelta(days=1) <= value <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise serializers.ValidationError(_("Give a day from yesterday to a year ahead."),
                                          code="out_of_range")
    return value


class AvailabilityQuerySerializer(FieldsBuiltOnceMixin, VehicleChoiceMixin):
    bay = CachedBayField(queryset=LoadingBay.objects.select_related("zone"))
    date = serializers.DateField(validators=[_reachable_day])
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)


class AvailabilitySerializer(FieldsBuiltOnceMixin, serializers.Serializer):
    bay = serializers.IntegerField()
    bay_code = serializers.CharField()
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    starts = LocalInstantsField()


class NearestQuerySerializer(VehicleChoiceMixin):
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    address = serializers.CharField(max_length=200, required=False,
                                    help_text=_("A street (and number) where bays are known."))
    radius_m = serializers.IntegerField(min_value=10, max_value=10_000, default=1000)
    earliest = AwareDateTimeField()
    latest = AwareDateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        has_point = attrs.get("latitude") is not None and attrs.get("longitude") is not None
        if not has_point and not attrs.get("address"):
            raise serializers.ValidationError(
                {"latitude": [_("Give latitude and longitude, or an address.")]},
                code="location_required")
        if attrs["latest"] <= attrs["earliest"]:
            raise serializers.ValidationError({"latest": [_("Must be after earliest.")]},
                                              code="end_before_start")
        if attrs["latest"] - attrs["earliest"] > dt.timedelta(days=7):
            raise serializers.ValidationError({"latest": [_("Search at most seven days.")]},
                                              code="range_too_long")
        return attrs


class NearbyBaySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    street = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class NearbyStartSerializer(serializers.Serializer):
    bay = NearbyBaySerializer()
    distance_m = serializers.FloatField()
    start = AwareDateTimeField()
    end = AwareDateTimeField()


class BookingRequestSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    booking = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    earliest_start = AwareDateTimeField()
    latest_end = AwareDateTimeField()
    preferred_start = AwareDateTimeField()
    created_at = AwareDateTimeField()
    alternatives = serializers.ListField(child=serializers.JSONField(), read_only=True)

    class Meta:
        model = BookingRequest
        fields = ["reference", "zone", "day", "earliest_start", "latest_end", "preferred_start",
                  "duration_minutes", "weight", "bays", "vehicle", "vehicle_length_m",
                  "vehicle_mass_kg", "zero_emission", "status", "booking", "refusal_reason",
                  "alternatives", "created_at"]
        read_only_fields = fields


class RequestOutcomeSerializer(serializers.ModelSerializer):
    booking = BookingSerializer(read_only=True, allow_null=True)
    alternatives = serializers.ListField(child=serializers.JSONField(), read_only=True)

    class Meta:
        model = BookingRequest
        fields = ["reference", "status", "booking", "refusal_reason", "alternatives"]
        read_only_fields = fields


class BookingRequestCreateSerializer(VehicleChoiceMixin):
    zone = serializers.SlugRelatedField(slug_field="slug", queryset=Zone.objects.all())
    earliest_start = AwareDateTimeField()
    latest_end = AwareDateTimeField()
    preferred_start = AwareDateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
    bays = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=LoadingBay.objects.all()),
        allow_empty=False, max_length=50)
    weight = serializers.IntegerField(min_value=1, max_value=3, default=1)
    address_latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    address_longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)


class WaitlistEntrySerializer(serializers.ModelSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    offered_at = AwareDateTimeField(allow_null=True)
    offer_expires_at = AwareDateTimeField(allow_null=True)
    created_at = AwareDateTimeField()
    booking = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = ["id", "bay", "vehicle", "vehicle_length_m", "vehicle_mass_kg", "zero_emission",
                  "start", "end",
                  "status", "offered_at", "offer_expires_at", "booking", "created_at"]
        read_only_fields = fields


class WaitlistJoinSerializer(VehicleChoiceMixin):
    bay = serializers.PrimaryKeyRelatedField(queryset=LoadingBay.objects.select_related("zone"))
    start = AwareDateTimeField()
    end = AwareDateTimeField()


class NotBookedSerializer(serializers.Serializer):
    day = serializers.DateField()
    code = serializers.CharField()
    message = serializers.CharField()


class BookingSeriesSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    bay_code = serializers.CharField(source="bay.code", read_only=True)
    not_booked = NotBookedSerializer(many=True, read_only=True)
    ended_at = AwareDateTimeField(allow_null=True)
    created_at = AwareDateTimeField()
    coming_bookings = serializers.SerializerMethodField(
        help_text=_("The series' confirmed bookings that have not started yet."))

    class Meta:
        model = BookingSeries
        fields = ["id", "bay", "bay_code", "vehicle", "vehicle_length_m", "zero_emission",
                  "weekdays", "start_time", "duration_minutes", "first_day", "until",
                  "booked_through", "ended_at", "not_booked", "created_at", "coming_bookings"]
        read_only_fields = fields

    @extend_schema_field(BookingSerializer(many=True))
    def get_coming_bookings(self, series):
        coming = series.bookings.filter(status=Booking.Status.CONFIRMED,
                                        start__gt=timezone.now()).select_related("bay")
        return BookingSerializer(coming.order_by("start"), many=True).data


class SeriesChangeSerializer(serializers.Serializer):
    start_time = serializers.TimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60, required=False)
    bay = CachedBayField(queryset=LoadingBay.objects.select_related("zone"), required=False)
    vehicle = OwnVehicleField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                _("Give a start time, duration, bay or vehicle to change."), code="empty")
        return attrs


class NotMovedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    day = serializers.DateField()
    code = serializers.CharField()
    message = serializers.CharField()


class SeriesChangeResultSerializer(serializers.Serializer):
    series = BookingSeriesSerializer()
    moved = BookingSerializer(many=True)
    not_moved = NotMovedSerializer(many=True, help_text=_(
        "Bookings the change did not fit; they were left as they were."))


class SeriesEndResultSerializer(serializers.Serializer):
    series = BookingSeriesSerializer()
    cancelled = BookingSerializer(many=True)
