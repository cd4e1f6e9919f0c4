from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API access")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from organisations.models import Organisation

        from . import schema  # noqa: F401 - registers the API key scheme with drf-spectacular
        from .authentication import key_changed, organisation_changed
        from .models import OrganisationAPIKey

        post_save.connect(key_changed, sender=OrganisationAPIKey, dispatch_uid="api-key-saved")
        post_delete.connect(key_changed, sender=OrganisationAPIKey, dispatch_uid="api-key-deleted")
        post_save.connect(organisation_changed, sender=Organisation,
                          dispatch_uid="api-key-organisation-saved")
