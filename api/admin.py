from django.contrib import admin
from django.core.exceptions import PermissionDenied
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import OrganisationAPIKey


@admin.register(OrganisationAPIKey)
class OrganisationAPIKeyAdmin(SimpleHistoryAdmin, APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "organisation"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]
    search_fields = [*APIKeyModelAdmin.search_fields, "organisation__name"]

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # history rows name the key by its prefix (the primary key carries the hash)
        prefix = object_id.partition(".")[0]
        return history_manager.filter(prefix=prefix).select_related("history_user")

    def revert_disabled(self, request, obj=None):
        # an old version holds no hash to go back to
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied
