from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bookings.errors import BookingError
from console.admin_scoping import MunicipalityScopedAdmin
from operations.admin import solver_progress, solver_status_label
from organisations.models import Organisation

from . import services
from .models import (
    CollectorVehicle,
    Compartment,
    DisposalSite,
    DockDoor,
    DockReservation,
    Hub,
    HubClosure,
    HubOpeningHours,
    HubShare,
    LastMileChain,
    PickupRequest,
    PlannedRoute,
    PlanningRun,
    RouteStop,
    StorageReservation,
)
from .services import planning


@admin.action(description=_("Plan the days of the selected pickups now"))
def plan_days_now(modeladmin, request, queryset):
    runs = planning.planning_runs_start_for_pickups(pickups=queryset, started_by=request.user)
    modeladmin.message_user(
        request, _("%(count)d planning runs started; see Planning runs for their progress.")
        % {"count": len(runs)})


@admin.register(PickupRequest)
class PickupRequestAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    actions = [plan_days_now]
    list_display = ["organisation", "stream", "volume_litres", "day", "window_start",
                    "window_end", "status", "collector", "planned_start"]
    list_filter = ["status", "stream", "day"]
    search_fields = ["organisation__name", "note"]
    list_select_related = ["organisation", "collector"]
    raw_id_fields = ["series", "bay", "requested_by", "collector"]


class HubShareInline(admin.TabularInline):
    model = HubShare
    extra = 0


@admin.register(HubShare)
class HubShareAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    """The shares on their own, so that each has its history (the hub's inline has none)."""

    list_display = ["hub", "municipality", "dock_share_percent"]
    list_filter = ["hub", "municipality"]


class HubOpeningHoursInline(admin.TabularInline):
    model = HubOpeningHours
    extra = 0


class DockDoorInline(admin.TabularInline):
    model = DockDoor
    extra = 0


class HubClosureInline(admin.TabularInline):
    model = HubClosure
    extra = 0


@admin.register(Hub)
class HubAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "street_address", "storage_pallet_places", "planning_cutoff",
                    "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HubShareInline, HubOpeningHoursInline, DockDoorInline, HubClosureInline]


@admin.action(description=_("Cancel the selected reservations"))
def cancel_dock_reservations(modeladmin, request, queryset):
    for reservation in queryset:
        try:
            services.dock_reservation_cancel(reservation=reservation)
        except BookingError as exc:
            modeladmin.message_user(request, f"{reservation}: {exc.message}", messages.WARNING)


@admin.register(DockReservation)
class DockReservationAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["reference", "hub", "door", "organisation", "municipality", "start", "end",
                    "status"]
    list_filter = ["status", "hub", "municipality"]
    search_fields = ["reference", "organisation__name", "plate"]
    list_select_related = ["hub", "door", "organisation", "municipality"]
    date_hierarchy = "start"
    actions = [cancel_dock_reservations]

    def has_add_permission(self, request):
        return False  # through the API or the services, which check capacity

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StorageReservation)
class StorageReservationAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["reference", "hub", "organisation", "pallets", "start_date", "end_date",
                    "status"]
    list_filter = ["status", "hub"]
    search_fields = ["reference", "organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LastMileChain)
class LastMileChainAdmin(admin.ModelAdmin):
    list_display = ["inbound", "delivery", "recipient", "last_mile_operator", "goods_litres",
                    "status"]
    list_filter = ["status"]
    raw_id_fields = ["inbound", "delivery", "recipient", "last_mile_operator"]

    def has_add_permission(self, request):
        return False


class CompartmentInline(admin.TabularInline):
    model = Compartment
    extra = 0


@admin.register(CollectorVehicle)
class CollectorVehicleAdmin(admin.ModelAdmin):
    list_display = ["vehicle", "depot", "shift_start", "shift_end", "max_trips", "is_active"]
    list_filter = ["depot", "is_active"]
    raw_id_fields = ["vehicle"]
    inlines = [CompartmentInline]


@admin.register(DisposalSite)
class DisposalSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "streams", "opens", "closes", "is_active"]


@admin.action(description=_("Plan the same collector and day again"))
def plan_again(modeladmin, request, queryset):
    for run in queryset.select_related("collector"):
        planning.planning_run_start(collector=run.collector, day=run.day,
                                    trigger=PlanningRun.Trigger.MANUAL, started_by=request.user,
                                    time_limit_seconds=run.time_limit_seconds)
    modeladmin.message_user(request, _("Planning started; refresh to follow its progress."))


@admin.register(PlanningRun)
class PlanningRunAdmin(admin.ModelAdmin):
    """Add a run to plan a collector's day by hand; the solver workers pick it up."""

    list_display = ["collector", "day", "status", "trigger", "planned_count", "conflicts_count",
                    "vehicles_used", "distance_m", "attempts", "report_link", "created_at"]
    list_filter = ["status", "trigger", "day"]
    actions = [plan_again]
    fields = ["collector", "day", "time_limit_seconds"]
    readonly_fields = ["status", "progress_summary", "solver_outcome", "objective", "stops_count",
                       "planned_count", "conflicts_count", "vehicles_used", "distance_m",
                       "solver_seconds", "attempts", "error", "started_at", "solved_at",
                       "finished_at"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.fields + self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "collector":
            # Only a waste collector has vehicles to route; the service refuses others too.
            kwargs["queryset"] = Organisation.objects.filter(
                kind=Organisation.Kind.WASTE_COLLECTOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields + self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        run = planning.planning_run_start(
            collector=obj.collector, day=obj.day, trigger=PlanningRun.Trigger.MANUAL,
            started_by=request.user, time_limit_seconds=obj.time_limit_seconds,
        )
        obj.pk = run.pk

    @admin.display(description=_("progress"))
    def progress_summary(self, run):
        return solver_progress(run)

    @admin.display(description=_("solver status"))
    def solver_outcome(self, run):
        return solver_status_label(run)

    @admin.display(description=_("bundling report"))
    def report_link(self, run):
        url = reverse("hubs:bundling-report") + f"?day={run.day.isoformat()}"
        return format_html('<a href="{}">{}</a>', url, _("report"))


class RouteStopInline(admin.TabularInline):
    model = RouteStop
    extra = 0
    can_delete = False
    fields = ["sequence", "kind", "pickup", "chain", "disposal_site", "bay", "booking",
              "arrival", "start", "end", "load"]
    readonly_fields = fields


@admin.register(PlannedRoute)
class PlannedRouteAdmin(MunicipalityScopedAdmin, admin.ModelAdmin):
    list_display = ["run", "vehicle", "start", "end", "distance_m", "trips", "sheet_link"]
    list_filter = ["run__day"]
    inlines = [RouteStopInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("run sheet"))
    def sheet_link(self, route):
        return format_html('<a href="{}">{}</a>',
                           reverse("hubs:run-sheet", args=[route.pk]), _("print"))
