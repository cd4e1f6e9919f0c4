"""Read-only zones and bays, with their window rules and closures, as JSON or GeoJSON."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.viewsets import VensterAPIMixin
from places.models import LoadingBay, TimeWindow, Zone

from .filters import BayFilter, ZoneFilter
from .serializers import (
    BaySerializer,
    FeatureCollectionSerializer,
    ZoneSerializer,
    bay_feature,
    feature_collection,
    zone_feature,
)

GEOJSON_LIMIT = 2000


@extend_schema_view(
    list=extend_schema(description=(
        "Every zone with its rules (longest stay, vehicle limits, booking horizon), its "
        "delivery windows and its closures that have not ended; filter by `municipality` "
        "(slug) and `zero_emission_zone`.")),
    retrieve=extend_schema(description="One zone with its rules, windows and closures."),
)
class ZoneViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilter
    ordering_fields = ["name", "slug"]
    queryset = (
        Zone.objects.select_related("municipality")
        .prefetch_related(
            Prefetch("windows", queryset=TimeWindow.objects.order_by("weekday", "start")),
            "closures",
        )
        .order_by("municipality__name", "name", "pk")
    )

    @extend_schema(responses=FeatureCollectionSerializer, filters=True, description=(
        "The zones as a GeoJSON FeatureCollection (RFC 7946): each drawn boundary as a "
        "Polygon with its outer ring counter-clockwise, a zone without one with a null "
        "geometry."))
    @action(detail=False, pagination_class=None)
    def geojson(self, request):
        """The zones as a GeoJSON FeatureCollection (boundaries as polygons)."""
        zones = self.filter_queryset(self.get_queryset())[:GEOJSON_LIMIT]
        return Response(feature_collection(zone_feature(z) for z in zones))


@extend_schema_view(
    list=extend_schema(description=(
        "Loading bays with their windows and closures. Filter by `municipality`, `zone`, "
        "`street`, kerb length and the vehicle length a bay takes; with `latitude` and "
        "`longitude` (and `radius_m`, 500 m by default) the nearest come first.")),
    retrieve=extend_schema(description="One loading bay with its windows and closures."),
)
class BayViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BaySerializer
    filterset_class = BayFilter
    ordering_fields = ["code", "street", "kerb_length_m"]
    queryset = LoadingBay.objects.select_related("zone__municipality").prefetch_related(
        "windows", "closures", "zone__windows", "zone__closures"
    )

    @extend_schema(responses=FeatureCollectionSerializer, filters=True, description=(
        "The bays as a GeoJSON FeatureCollection of points, with the same filters as the "
        "list."))
    @action(detail=False, pagination_class=None)
    def geojson(self, request):
        """The bays as a GeoJSON FeatureCollection of points."""
        bays = self.filter_queryset(self.get_queryset())[:GEOJSON_LIMIT]
        return Response(feature_collection(bay_feature(b) for b in bays))
