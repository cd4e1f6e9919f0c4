from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from console.admin_scoping import MunicipalityScopedAdmin

from .models import AllocationRun, Booking, BookingRequest, Quota


@admin.register(Booking)
class BookingAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "bay",
        "organisation",
        "plate",
        "start",
        "end",
        "status",
        "channel",
    ]
    list_filter = ["status", "channel", "zero_emission", "bay__zone", "start"]
    search_fields = ["reference", "plate", "organisation__name", "bay__code", "bay__street"]
    date_hierarchy = "start"
    list_select_related = ["bay", "organisation"]
    readonly_fields = [
        "reference",
        "created_at",
        "updated_at",
        "cancelled_at",
        "checked_in_at",
        "checked_out_at",
    ]
    raw_id_fields = ["vehicle", "booked_by"]


@admin.register(BookingRequest)
class BookingRequestAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = [
        "reference",
        "zone",
        "organisation",
        "day",
        "preferred_start",
        "duration_minutes",
        "weight",
        "status",
    ]
    list_filter = ["status", "zone", "day", "channel"]
    search_fields = ["reference", "organisation__name"]
    list_select_related = ["zone", "organisation"]
    raw_id_fields = ["booking", "vehicle", "allocation_run", "submitted_by"]
    filter_horizontal = ["bays"]


@admin.register(AllocationRun)
class AllocationRunAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = [
        "zone",
        "day",
        "status",
        "trigger",
        "solver_status",
        "served_count",
        "requests_count",
        "objective",
        "fcfs_objective",
        "created_at",
    ]
    list_filter = ["status", "trigger", "zone"]
    search_fields = ["zone__name"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in AllocationRun._meta.fields if f.name != "id"]


@admin.register(Quota)
class QuotaAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["organisation", "zone", "max_minutes_per_day"]
    list_filter = ["zone"]
    search_fields = ["organisation__name", "zone__name"]
