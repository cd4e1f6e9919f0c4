from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bookings.admin import start_allocation_run
from console.admin_scoping import MunicipalityScopedAdmin

from .models import Closure, LoadingBay, Municipality, TimeWindow, Zone


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "cbs_code"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}


class ZoneWindowInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = TimeWindow
    fk_name = "zone"
    extra = 0


@admin.register(Zone)
class ZoneAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "municipality", "zero_emission_zone", "max_stay_minutes",
                    "allocation_cutoff"]
    list_filter = ["municipality", "zero_emission_zone"]
    search_fields = ["name", "municipality__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ZoneWindowInline]
    actions = [start_allocation_run]


class BayWindowInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = TimeWindow
    fk_name = "bay"
    extra = 0


@admin.register(LoadingBay)
class LoadingBayAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "street", "zone", "kerb_length_m", "max_vehicles",
                    "max_vehicle_length_m", "is_active"]
    list_filter = ["zone__municipality", "zone", "is_active", "max_vehicles"]
    search_fields = ["code", "street"]
    list_select_related = ["zone__municipality"]
    inlines = [BayWindowInline]


@admin.register(TimeWindow)
class TimeWindowAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "zone", "bay", "weekday", "start", "end", "zero_emission_only"]
    list_filter = ["weekday", "zero_emission_only", "zone"]
    search_fields = ["zone__name", "bay__code", "bay__street"]
    list_select_related = ["zone__municipality", "bay"]


@admin.register(Closure)
class ClosureAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["reason", "description", "zone", "bay", "start_date", "end_date",
                    "start_time", "end_time"]
    list_filter = ["reason", "zone", "start_date"]
    search_fields = ["description", "bay__code", "bay__street", "zone__name"]
    date_hierarchy = "start_date"
    list_select_related = ["zone__municipality", "bay"]
