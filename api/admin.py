from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import OrganisationAPIKey


@admin.register(OrganisationAPIKey)
class OrganisationAPIKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "organisation"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]
    search_fields = [*APIKeyModelAdmin.search_fields, "organisation__name"]
