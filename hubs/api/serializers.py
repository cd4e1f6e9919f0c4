"""Shapes of the hubs API. No business rules here: the services decide.

Instants go through api.fields.AwareDateTimeField, as in the bookings API: a time
without its UTC offset, or a wall time the clock change skips or repeats, is refused.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import AwareDateTimeField, DayField
from api.permissions import request_organisation
from bookings.api.serializers import OwnVehicleField
from organisations.models import Organisation
from places.models import LoadingBay, Municipality

from ..models import (
    DockDoor,
    DockReservation,
    Hub,
    HubOpeningHours,
    HubShare,
    LastMileChain,
    MissedReason,
    PickupRequest,
    PlannedRoute,
    RouteStop,
    StorageReservation,
    WasteStream,
)
from ..services.pickups import MAX_VOLUME_LITRES


class DockDoorSerializer(serializers.ModelSerializer):
    class Meta:
        model = DockDoor
        fields = ["id", "code", "max_vehicle_length_m"]


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = HubOpeningHours
        fields = ["weekday", "opens", "closes"]


class ShareSerializer(serializers.ModelSerializer):
    municipality = serializers.StringRelatedField()

    class Meta:
        model = HubShare
        fields = ["municipality_id", "municipality", "dock_share_percent"]


class HubSerializer(serializers.ModelSerializer):
    doors = DockDoorSerializer(many=True, read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    shares = ShareSerializer(many=True, read_only=True)

    class Meta:
        model = Hub
        fields = ["id", "name", "slug", "street_address", "latitude", "longitude",
                  "storage_pallet_places", "slot_minutes", "max_dock_minutes",
                  "handling_minutes", "doors", "opening_hours", "shares"]


class DockAvailabilityQuery(serializers.Serializer):
    day = DayField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60, default=30)
    vehicle_length_m = serializers.DecimalField(max_digits=4, decimal_places=2,
                                                min_value=Decimal("0.5"), default=12)
    municipality = serializers.IntegerField(required=False)


class DockSlotSerializer(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    free_doors = serializers.IntegerField()


class DockReservationSerializer(serializers.ModelSerializer):
    door = serializers.CharField(source="door.code", read_only=True)

    class Meta:
        model = DockReservation
        fields = ["id", "reference", "hub", "door", "municipality", "vehicle", "plate",
                  "vehicle_length_m", "start", "end", "status", "note", "created_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class OwnOrganisationField(serializers.PrimaryKeyRelatedField):
    """The caller's own organisation's id; any other id 'does not exist'."""

    def get_queryset(self):
        own = request_organisation(self.context.get("request"))
        return Organisation.objects.filter(pk=own.pk if own else None)


@extend_schema_field(OpenApiTypes.INT)
class RecipientField(serializers.PrimaryKeyRelatedField):
    """A shop's id, or the caller's own; any other id 'does not exist', as an unknown one."""

    def get_queryset(self):
        own = request_organisation(self.context.get("request"))
        return Organisation.objects.filter(
            Q(kind=Organisation.Kind.SHOP) | Q(pk=own.pk if own else None))


class DockReservationInput(serializers.Serializer):
    hub = serializers.PrimaryKeyRelatedField(queryset=Hub.objects.filter(is_active=True))
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    vehicle = OwnVehicleField(required=False, allow_null=True)
    vehicle_length_m = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all(),
                                                      required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, default="")


class StorageReservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StorageReservation
        fields = ["id", "reference", "hub", "pallets", "start_date", "end_date", "status",
                  "note", "created_at"]
        read_only_fields = ["id", "reference", "status", "created_at"]


class ChainSerializer(serializers.ModelSerializer):
    inbound = DockReservationSerializer(read_only=True)
    delivery_reference = serializers.CharField(source="delivery.reference", read_only=True)
    delivery_bay = serializers.CharField(source="delivery.bay.code", read_only=True)
    delivery_start = AwareDateTimeField(source="delivery.start", read_only=True)
    delivery_end = AwareDateTimeField(source="delivery.end", read_only=True)

    class Meta:
        model = LastMileChain
        fields = ["id", "status", "inbound", "delivery_reference", "delivery_bay",
                  "delivery_start", "delivery_end", "recipient", "last_mile_operator",
                  "goods_litres", "delivery_latest"]


class ChainInput(serializers.Serializer):
    hub = serializers.PrimaryKeyRelatedField(queryset=Hub.objects.filter(is_active=True))
    inbound_start = AwareDateTimeField()
    inbound_end = AwareDateTimeField()
    vehicle_length_m = serializers.DecimalField(max_digits=4, decimal_places=2)
    delivery_bay = serializers.PrimaryKeyRelatedField(queryset=LoadingBay.objects.all())
    delivery_start = AwareDateTimeField()
    delivery_end = AwareDateTimeField()
    delivery_vehicle = OwnVehicleField(required=False, allow_null=True)
    delivery_vehicle_length_m = serializers.DecimalField(max_digits=4, decimal_places=2,
                                                         required=False, default=4)
    delivery_vehicle_mass_kg = serializers.IntegerField(
        min_value=1, max_value=60000, required=False, allow_null=True,
        help_text="Maximum mass of a delivery vehicle given without `delivery_vehicle`; needed "
                  "where the delivery bay's zone limits mass (`vehicle_mass_required`).")
    recipient = RecipientField(required=False, allow_null=True)
    last_mile_operator = OwnOrganisationField(
        required=False, allow_null=True,
        help_text="Your own organisation, to carry the goods on your own planned rounds.")
    goods_litres = serializers.IntegerField(min_value=0, default=0)


class MoveInput(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()


class RouteStopSerializer(serializers.ModelSerializer):
    shop = serializers.CharField(source="pickup.organisation.name", default=None)
    stream = serializers.CharField(source="pickup.stream", default=None)
    bay = serializers.CharField(source="bay.code", default=None)
    booking = serializers.CharField(source="booking.reference", default=None)
    disposal_site = serializers.CharField(source="disposal_site.name", default=None)

    class Meta:
        model = RouteStop
        fields = ["sequence", "kind", "shop", "stream", "pickup", "chain", "bay", "booking",
                  "disposal_site", "latitude", "longitude", "arrival", "start", "end", "load"]


class RouteQuery(serializers.Serializer):
    day = DayField(required=False)


class PlannedRouteSerializer(serializers.ModelSerializer):
    vehicle = serializers.CharField(source="vehicle.vehicle.__str__")
    day = serializers.DateField(source="run.day")
    depot = serializers.CharField(source="depot.name")
    stops = RouteStopSerializer(many=True)

    class Meta:
        model = PlannedRoute
        fields = ["id", "day", "vehicle", "depot", "start", "end", "distance_m", "trips",
                  "stops"]


class PickupSerializer(serializers.ModelSerializer):
    planned_start = AwareDateTimeField(allow_null=True)
    planned_end = AwareDateTimeField(allow_null=True)
    outcome_at = AwareDateTimeField(allow_null=True)

    class Meta:
        model = PickupRequest
        fields = ["id", "stream", "volume_litres", "containers", "day", "window_start",
                  "window_end", "recurrence_weekdays", "recurrence_until", "series", "status",
                  "planned_start", "planned_end", "note", "collected_litres", "collected_kg",
                  "missed_reason", "missed_note", "outcome_at"]
        read_only_fields = fields


class CollectorPickupSerializer(PickupSerializer):
    shop = serializers.CharField(source="organisation.name", read_only=True)

    class Meta(PickupSerializer.Meta):
        fields = [*PickupSerializer.Meta.fields, "shop", "latitude", "longitude"]
        read_only_fields = fields


class PickupCreateSerializer(serializers.Serializer):
    stream = serializers.ChoiceField(choices=WasteStream.choices)
    volume_litres = serializers.IntegerField(min_value=1, max_value=MAX_VOLUME_LITRES)
    containers = serializers.IntegerField(min_value=1, max_value=50, default=1)
    day = DayField()
    window_start = serializers.TimeField()
    window_end = serializers.TimeField()
    recurrence_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False,
        max_length=7, help_text=_("Repeat on these weekdays (0 is Monday) until "
                                  "`recurrence_until`."))
    recurrence_until = DayField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PickupCollectedSerializer(serializers.Serializer):
    litres = serializers.IntegerField(min_value=0, max_value=MAX_VOLUME_LITRES, required=False)
    kg = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal("0"),
                                  max_value=Decimal("40000"), required=False)

    def validate(self, attrs):
        if attrs.get("litres") is None and attrs.get("kg") is None:
            raise serializers.ValidationError(
                _("Give the amount collected in litres or kilograms."), code="amount")
        return attrs


class PickupMissedSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=MissedReason.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
