from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Places and rules")

    def ready(self):
        from . import caching

        caching.connect_signals()
