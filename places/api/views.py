"""Read-only zones and bays, with their window rules and closures, as JSON or GeoJSON."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
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

    @extend_schema(responses=FeatureCollectionSerializer, filters=True)
    @action(detail=False, pagination_class=None)
    def geojson(self, request):
        """The zones as a GeoJSON FeatureCollection (boundaries as polygons)."""
        zones = self.filter_queryset(self.get_queryset())[:GEOJSON_LIMIT]
        return Response(feature_collection(zone_feature(z) for z in zones))


class BayViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BaySerializer
    filterset_class = BayFilter
    ordering_fields = ["code", "street", "kerb_length_m"]
    queryset = LoadingBay.objects.select_related("zone__municipality").prefetch_related(
        "windows", "closures", "zone__windows", "zone__closures"
    )

    @extend_schema(responses=FeatureCollectionSerializer, filters=True)
    @action(detail=False, pagination_class=None)
    def geojson(self, request):
        """The bays as a GeoJSON FeatureCollection of points."""
        bays = self.filter_queryset(self.get_queryset())[:GEOJSON_LIMIT]
        return Response(feature_collection(bay_feature(b) for b in bays))
