from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bookings.admin import start_allocation_run
from bookings.waitlist import offer_after_commit
from console.admin_scoping import MunicipalityScopedAdmin

from .models import Closure, LoadingBay, Municipality, TimeWindow, VehicleLimit, Zone
from .services import closure_bays


class AnnouncesWindowChanges:
    """Windows edited here reach the bookings they no longer cover, as from the console: the
    same service marks and tells them, in the admin's transaction."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            from bookings.affected import bays_of

            self.announce(bays_of(**{self.owner: form.instance}))

    def announce(self, bays):
        from bookings.affected import rules_changed_announce

        rules_changed_announce(bays)
        offer_after_commit(bays)  # wider windows may fit a waiting stay


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "cbs_code"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}


class ZoneWindowInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = TimeWindow
    fk_name = "zone"
    extra = 0


class ZoneVehicleLimitInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = VehicleLimit
    fk_name = "zone"
    extra = 0


@admin.register(Zone)
class ZoneAdmin(AnnouncesWindowChanges, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    owner = "zone"
    list_display = ["name", "municipality", "zero_emission_zone", "zero_emission_from",
                    "zero_emission_enforced_from", "max_stay_minutes", "allocation_cutoff"]
    list_filter = ["municipality", "zero_emission_zone"]
    search_fields = ["name", "municipality__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ZoneWindowInline, ZoneVehicleLimitInline]
    actions = [start_allocation_run]


class BayWindowInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = TimeWindow
    fk_name = "bay"
    extra = 0


class BayVehicleLimitInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = VehicleLimit
    fk_name = "bay"
    extra = 0
    fields = ["max_vehicle_length_m", "valid_from", "valid_until"]


@admin.register(LoadingBay)
class LoadingBayAdmin(AnnouncesWindowChanges, MunicipalityScopedAdmin, SimpleHistoryAdmin):
    owner = "bay"
    list_display = ["code", "street", "zone", "kerb_length_m", "max_vehicles",
                    "max_vehicle_length_m", "is_active"]
    list_filter = ["zone__municipality", "zone", "is_active", "max_vehicles"]
    search_fields = ["code", "street"]
    list_select_related = ["zone__municipality"]
    inlines = [BayWindowInline, BayVehicleLimitInline]


@admin.register(TimeWindow)
class TimeWindowAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "zone", "bay", "weekday", "start", "end", "zero_emission_only",
                    "valid_from", "valid_until"]
    list_filter = ["weekday", "zero_emission_only", "zone"]
    search_fields = ["zone__name", "bay__code", "bay__street"]
    list_select_related = ["zone__municipality", "bay"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _announce_window_change(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _announce_window_change(obj)


def _announce_window_change(window: TimeWindow) -> None:
    from bookings.affected import bays_of, rules_changed_announce

    rules_changed_announce(bays_of(zone=window.zone, bay=window.bay))


@admin.register(Closure)
class ClosureAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["reason", "description", "zone", "bay", "start_date", "end_date",
                    "start_time", "end_time"]
    list_filter = ["reason", "zone", "start_date"]
    search_fields = ["description", "bay__code", "bay__street", "zone__name"]
    date_hierarchy = "start_date"
    list_select_related = ["zone__municipality", "bay"]

    def save_model(self, request, obj, form, change):
        """Saved and announced by the same service as the console's closures; a closure
        changed here may free kerb time, which is offered to the waitlist."""
        from bookings.affected import closure_save

        before = list(closure_bays(Closure.objects.get(pk=obj.pk))) if change else []
        closure_save(obj)
        offer_after_commit(before)

    # A closure removed here frees kerb time: offered to the waitlist.
    def delete_model(self, request, obj):
        bays = list(closure_bays(obj))
        super().delete_model(request, obj)
        offer_after_commit(bays)

    def delete_queryset(self, request, queryset):
        bays = [bay for closure in queryset for bay in closure_bays(closure)]
        super().delete_queryset(request, queryset)
        offer_after_commit(bays)
