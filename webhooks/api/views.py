"""An organisation's webhook endpoints and the log of deliveries to them."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from api.filters import IdFilter
from api.viewsets import VensterAPIMixin
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)


def _service(call):
    try:
        return call()
    except services.WebhookError as exc:
        raise serializers.ValidationError({exc.field: [exc.message]}, code="unsafe_url") from exc


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's webhook endpoints (Standard Webhooks); the signing secret is "
        "shown only when an endpoint is created.")),
    retrieve=extend_schema(description="One of your organisation's webhook endpoints."),
    destroy=extend_schema(description=(
        "Remove a webhook endpoint together with its delivery log.")),
)
class WebhookEndpointViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = WebhookEndpointSerializer
    ordering_fields = ["created_at", "url"]

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(organisation=self.organisation).order_by("pk")

    @extend_schema(request=WebhookEndpointSerializer,
                   responses={201: WebhookEndpointCreatedSerializer}, description=(
                       "Register a URL for the event types you choose; the answer carries the "
                       "signing secret, shown this once. Addresses on private networks are "
                       "refused."))
    def create(self, request):
        """Register a URL; the answer carries the signing secret."""
        data = self._valid(request)
        endpoint = _service(lambda: services.endpoint_create(
            organisation=self.organisation, **data))
        return Response(WebhookEndpointCreatedSerializer(endpoint).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointSerializer, responses=WebhookEndpointSerializer,
                   description="Change an endpoint's URL, event types or description.")
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = self._valid(request, partial=True)
        endpoint = _service(lambda: services.endpoint_update(endpoint=endpoint, **data))
        return Response(WebhookEndpointSerializer(endpoint).data)

    def _valid(self, request, partial=False) -> dict:
        serializer = WebhookEndpointSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class WebhookDeliveryFilter(django_filters.FilterSet):
    endpoint = IdFilter(field_name="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = ["status", "endpoint"]


@extend_schema_view(
    list=extend_schema(description=(
        "The log of webhook deliveries to your endpoints, newest first; filter by `status` "
        "and `endpoint`.")),
    retrieve=extend_schema(description=(
        "One delivery: its status, the number of attempts and the last answer or error.")),
)
class WebhookDeliveryViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return (WebhookDelivery.objects.filter(endpoint__organisation=self.organisation)
                .select_related("event").order_by("-created_at", "-pk"))
