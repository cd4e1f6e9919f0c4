"""The caller's own vehicles; another organisation's vehicle answers 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.viewsets import VensterAPIMixin
from organisations.models import Vehicle

from .serializers import VehicleReadinessSerializer, VehicleSerializer


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's vehicles by plate; filter by `category`, `zero_emission` and "
        "`is_active`.")),
    retrieve=extend_schema(description=(
        "One of your organisation's vehicles; another organisation's id answers 404.")),
    create=extend_schema(description=(
        "Register a vehicle. Plates are normalised (VX-123-B becomes VX123B); a plate that is "
        "already registered is refused.")),
    update=extend_schema(description="Replace a vehicle's details."),
    partial_update=extend_schema(description="Change some of a vehicle's details."),
)
class VehicleViewSet(
    VensterAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VehicleSerializer
    filterset_fields = ["category", "zero_emission", "is_active"]
    ordering_fields = ["plate", "name", "length_m"]

    def get_queryset(self):
        return Vehicle.objects.filter(organisation=self.organisation).order_by("plate", "pk")

    def perform_create(self, serializer):
        serializer.save(organisation=self.organisation)

    @extend_schema(
        responses=VehicleReadinessSerializer(many=True), filters=False,
        description=(
            "For each of your active vehicles and each zero-emission zone with a start date: "
            "`access_ends`, the first day the zone no longer admits the vehicle under the "
            "national rules and your exemptions (null when no end is known), the refusal "
            "`code` from that day, and the references of your bookings and the ids of your "
            "recurring series in the zone from that day on, which will be refused."))
    @action(detail=False, methods=["get"], url_path="readiness", pagination_class=None)
    def readiness(self, request):
        from access.readiness import fleet_readiness
        from places import localtime

        rows = fleet_readiness(self.organisation, localtime.now().date())
        return Response([{
            "vehicle": row.vehicle.pk, "plate": row.vehicle.plate,
            "zones": [{
                "zone": z.zone.slug,
                "access_ends": z.end.day.isoformat() if z.end.day else None,
                "code": z.end.code,
                "bookings_after": [b.reference for b in z.bookings],
                "series_after": [series.pk for series in z.series],
            } for z in row.zones],
        } for row in rows])
