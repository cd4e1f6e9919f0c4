from django.contrib import admin

from console.admin_scoping import MunicipalityScopedAdmin

from .models import PickupRequest


@admin.register(PickupRequest)
class PickupRequestAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["organisation", "stream", "volume_litres", "day", "window_start",
                    "window_end", "status", "planned_start"]
    list_filter = ["status", "stream", "day"]
    search_fields = ["organisation__name", "note"]
    list_select_related = ["organisation"]
    raw_id_fields = ["series", "bay", "requested_by"]
