"""The caller's own vehicles; another organisation's vehicle answers 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from api.viewsets import VensterAPIMixin
from organisations.models import Vehicle

from .serializers import VehicleSerializer


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
