from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CdsConfig(AppConfig):
    name = "cds"
    verbose_name = _("Curb Data Specification")
