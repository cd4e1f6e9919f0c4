from rest_framework import serializers

from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint; its signing secret is shown when it is created (and by `secret`)."""

    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), required=False, default=list,
        max_length=len(EventType.choices),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "status", "status_reason",
                  "created_at"]
        read_only_fields = ["status", "status_reason", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    message_id = serializers.CharField(source="event.message_id")
    event_type = serializers.CharField(source="event.event_type")
    endpoint = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "message_id", "event_type", "endpoint", "status", "attempts",
                  "last_status_code", "last_error", "next_attempt_at", "delivered_at",
                  "created_at"]
