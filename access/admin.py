from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import DayExemptionUse, Exemption, RegisteredFuel, RegisteredVehicle


class ReadOnlyAdmin(admin.ModelAdmin):
    """Register rows come from the RDW import only; admins look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegisteredVehicle)
class RegisteredVehicleAdmin(ReadOnlyAdmin):
    list_display = ["plate", "vehicle_kind", "eu_category", "body_type", "brand", "trade_name",
                    "fuel_list", "zero_emission", "emission_class", "length_cm", "max_mass_kg",
                    "first_admission"]
    list_filter = ["zero_emission", "vehicle_kind", "eu_category", "emission_class"]
    search_fields = ["plate", "brand", "trade_name"]
    show_full_result_count = False  # millions of rows: skip the second COUNT(*)

    @admin.display(description=_("fuels"))
    def fuel_list(self, obj):
        return ", ".join(obj.fuels)


@admin.register(RegisteredFuel)
class RegisteredFuelAdmin(ReadOnlyAdmin):
    list_display = ["plate", "sequence", "fuel", "emission_class", "emission_level"]
    list_filter = ["fuel"]
    search_fields = ["plate"]
    show_full_result_count = False


class DayExemptionUseInline(admin.TabularInline):
    model = DayExemptionUse
    extra = 0
    fields = ["day", "created_at"]
    readonly_fields = ["day", "created_at"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Exemption)
class ExemptionAdmin(SimpleHistoryAdmin):
    list_display = ["plate", "kind", "municipality", "zone", "valid_from", "valid_until",
                    "days_per_year", "reference"]
    list_filter = ["kind", "municipality", "zone"]
    search_fields = ["plate", "reference", "note"]
    date_hierarchy = "valid_from"
    list_select_related = ["municipality", "zone"]
    autocomplete_fields = []
    readonly_fields = ["created_by", "created_at"]
    inlines = [DayExemptionUseInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DayExemptionUse)
class DayExemptionUseAdmin(admin.ModelAdmin):
    list_display = ["plate", "municipality", "day", "exemption", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["plate"]
    date_hierarchy = "day"
    list_select_related = ["municipality", "exemption"]
    readonly_fields = ["plate", "municipality", "exemption", "day", "created_at"]

    def has_add_permission(self, request):
        # Days are spent by booking in a zero-emission-only window, never typed in.
        return False
