from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from django.contrib import admin
        from django.contrib.admin import options
        from django.db import models

        from . import task_events  # noqa: F401  (connects Celery's task signals)
        from .json_input import JSONFormField

        # Each JSONField in the admin refuses JSON nested too deep as a form error. The
        # admin's table of form fields per model field is copied into every ModelAdmin when
        # it is made: the ones registered already get the entry, later ones (inlines) the table.
        json_field = {"form_class": JSONFormField}
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = json_field
        for model_admin in admin.site._registry.values():
            model_admin.formfield_overrides.setdefault(models.JSONField, json_field)
