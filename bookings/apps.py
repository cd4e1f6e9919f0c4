from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from .converters import ReferenceConverter

        register_converter(ReferenceConverter, "reference")
