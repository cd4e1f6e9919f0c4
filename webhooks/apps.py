from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import WebhookEndpoint
        from .services import endpoints_changed

        post_save.connect(endpoints_changed, sender=WebhookEndpoint,
                          dispatch_uid="webhooks-endpoint-saved")
        post_delete.connect(endpoints_changed, sender=WebhookEndpoint,
                            dispatch_uid="webhooks-endpoint-deleted")
