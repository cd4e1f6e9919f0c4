from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from console.admin_scoping import MunicipalityScopedAdmin

from .models import Membership, Organisation, Vehicle


class MembershipInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class VehicleInline(MunicipalityScopedAdmin, admin.TabularInline):
    model = Vehicle
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "city", "municipality", "email"]
    list_filter = ["kind", "municipality", "city", "preferred_language"]
    search_fields = ["name", "street_address", "email", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, VehicleInline]


@admin.register(Membership)
class MembershipAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Vehicle)
class VehicleAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "category", "length_m", "weight_kg",
                    "zero_emission", "is_active"]
    list_filter = ["category", "zero_emission", "is_active", "organisation__kind"]
    search_fields = ["plate", "name", "organisation__name"]
    list_select_related = ["organisation"]
