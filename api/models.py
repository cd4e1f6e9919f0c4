"""API keys belong to an organisation: whoever holds one acts for it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from organisations.models import Organisation


class OrganisationAPIKey(AbstractAPIKey):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
