from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import WallTimeField
from places.geojson import right_hand_rule
from places.models import Closure, LoadingBay, Municipality, TimeWindow, Zone


class TimeWindowSerializer(serializers.ModelSerializer):
    start = WallTimeField()
    end = WallTimeField()

    class Meta:
        model = TimeWindow
        fields = ["weekday", "start", "end", "zero_emission_only", "valid_from", "valid_until"]


class ClosureSerializer(serializers.ModelSerializer):
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    start_time = WallTimeField(allow_null=True)
    end_time = WallTimeField(allow_null=True)

    class Meta:
        model = Closure
        fields = ["id", "reason", "description", "start_date", "end_date", "start_time",
                  "end_time", "weekdays"]


class ZoneSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    windows = serializers.SerializerMethodField()
    closures = serializers.SerializerMethodField()
    boundary = serializers.SerializerMethodField()
    allocation_cutoff = WallTimeField()

    class Meta:
        model = Zone
        fields = ["id", "slug", "name", "municipality", "zero_emission_zone", "max_stay_minutes",
                  "buffer_minutes", "book_ahead_days", "min_lead_minutes",
                  "max_vehicle_length_m", "max_vehicle_weight_kg", "allocation_cutoff",
                  "boundary", "windows", "closures"]

    @extend_schema_field({"type": "object", "nullable": True, "description": (
        "GeoJSON Polygon (RFC 7946: outer ring counter-clockwise), or null when not drawn.")})
    def get_boundary(self, zone):
        return right_hand_rule(zone.boundary) or None

    @extend_schema_field(TimeWindowSerializer(many=True))
    def get_windows(self, zone):
        """The windows in force today and those published ahead (`valid_from`, `valid_until`:
        the first day each applies and the first day it no longer does)."""
        return TimeWindowSerializer(_not_ended(zone.windows.all()), many=True).data

    @extend_schema_field(ClosureSerializer(many=True))
    def get_closures(self, zone):
        return ClosureSerializer(_current(zone.closures.all()), many=True).data


class BaySerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality = serializers.SerializerMethodField()
    windows = serializers.SerializerMethodField()
    closures = serializers.SerializerMethodField()
    distance_m = serializers.SerializerMethodField()

    class Meta:
        model = LoadingBay
        fields = ["id", "code", "zone", "municipality", "street", "house_number", "latitude",
                  "longitude", "kerb_length_m", "max_vehicles", "max_vehicle_length_m",
                  "is_active", "distance_m", "windows", "closures"]

    def get_municipality(self, bay) -> str:
        return bay.zone.municipality.slug

    @extend_schema_field(TimeWindowSerializer(many=True))
    def get_windows(self, bay):
        """The bay's own windows; a bay without any follows its zone's. Those in force today
        and those published ahead."""
        own = _not_ended(bay.windows.all())
        return TimeWindowSerializer(own or _not_ended(bay.zone.windows.all()), many=True).data

    @extend_schema_field(ClosureSerializer(many=True))
    def get_closures(self, bay):
        closures = _current(bay.closures.all()) + _current(bay.zone.closures.all())
        return ClosureSerializer(closures, many=True).data

    def get_distance_m(self, bay) -> float | None:
        distance = getattr(bay, "distance_m", None)
        return None if distance is None else round(distance, 1)


def _not_ended(windows):
    """Windows in force today or published for later (prefetched, so filtered here)."""
    today = timezone.localdate()
    return [w for w in windows if w.valid_until is None or w.valid_until > today]


def _current(closures):
    """Closures that still matter: not over yet."""
    today = timezone.localdate()
    return [c for c in closures if c.end_date >= today]


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["slug", "name", "cbs_code"]


class GeometrySerializer(serializers.Serializer):
    type = serializers.CharField()
    coordinates = serializers.JSONField()


class FeatureSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    geometry = GeometrySerializer(allow_null=True)
    properties = serializers.DictField()


class FeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField()
    features = FeatureSerializer(many=True)


def bay_feature(bay) -> dict:
    return {
        "type": "Feature",
        "id": bay.pk,
        "geometry": {"type": "Point", "coordinates": [bay.longitude, bay.latitude]},
        "properties": {
            "code": bay.code, "zone": bay.zone.slug, "street": bay.street,
            "house_number": bay.house_number, "kerb_length_m": str(bay.kerb_length_m),
            "max_vehicles": bay.max_vehicles,
            "max_vehicle_length_m": str(bay.max_vehicle_length_m),
            "is_active": bay.is_active,
        },
    }


def zone_feature(zone) -> dict:
    boundary = zone.boundary if isinstance(zone.boundary, dict) and zone.boundary else None
    return {
        "type": "Feature",
        "id": zone.pk,
        "geometry": right_hand_rule(boundary),
        "properties": {
            "slug": zone.slug, "name": zone.name, "municipality": zone.municipality.slug,
            "zero_emission_zone": zone.zero_emission_zone,
            "max_stay_minutes": zone.max_stay_minutes,
        },
    }


def feature_collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
