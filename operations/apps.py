from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from django.contrib.admin import options
        from django.db import models

        from . import task_events  # noqa: F401  (connects Celery's task signals)
        from .json_input import JSONFormField

        # The admin's table of form fields per model field, which every ModelAdmin starts
        # from: each JSONField in the admin refuses JSON nested too deep as a form error.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {"form_class": JSONFormField}
