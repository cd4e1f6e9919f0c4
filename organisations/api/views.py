"""The caller's own vehicles; another organisation's vehicle answers 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from api.schema import IDEMPOTENCY_HEADER
from api.viewsets import IdempotentCreateMixin, VensterAPIMixin
from organisations.models import Vehicle

from .serializers import VehicleSerializer


@extend_schema_view(create=extend_schema(parameters=[IDEMPOTENCY_HEADER]))
class VehicleViewSet(
    VensterAPIMixin,
    IdempotentCreateMixin,
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
