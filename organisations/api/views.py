"""The caller's own vehicles; another organisation's vehicle answers 404."""

from rest_framework import mixins, viewsets

from api.viewsets import VensterAPIMixin
from organisations.models import Vehicle

from .serializers import VehicleSerializer


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
