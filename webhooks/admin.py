from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    list_display = ["url", "organisation", "status", "consecutive_failures", "created_at"]
    list_filter = ["status"]
    search_fields = ["url", "organisation__name"]
    readonly_fields = ["secret", "status_reason", "consecutive_failures", "created_at",
                       "updated_at"]
    actions = ["enable"]

    @admin.action(description=_("Enable again"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            services.endpoint_enable(endpoint=endpoint)
        self.message_user(request, _("Enabled."), messages.SUCCESS)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "duration_ms", "status_code", "error", "response_body"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code",
                    "next_attempt_at", "delivered_at"]
    list_filter = ["status", "event__event_type"]
    search_fields = ["event__message_id", "endpoint__url", "event__organisation__name"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = ["event", "endpoint", "status", "attempts", "next_attempt_at",
                       "claimed_until", "last_status_code", "last_error", "delivered_at",
                       "created_at"]
    inlines = [WebhookAttemptInline]
    actions = ["resend"]

    @admin.action(description=_("Send again"))
    def resend(self, request, queryset):
        for delivery in queryset.select_related("event", "endpoint"):
            services.delivery_resend(delivery=delivery)
        self.message_user(request, _("Queued again."), messages.SUCCESS)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event_type", "organisation", "created_at"]
    list_filter = ["event_type"]
    search_fields = ["message_id", "organisation__name"]
    readonly_fields = ["message_id", "organisation", "event_type", "payload", "created_at"]
