import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from console.admin_scoping import MunicipalityScopedAdmin
from operations.admin import solver_progress, solver_status_label
from places import localtime

from . import allocation, errors, services
from .models import AllocationRun, Booking, BookingRequest, BookingSeries, Quota


def _start_runs(request, pairs):
    for zone, day in pairs:
        try:
            allocation.allocation_run_start(zone=zone, day=day,
                                            trigger=AllocationRun.Trigger.MANUAL,
                                            started_by=request.user)
        except allocation.AllocationError as exc:
            messages.warning(request, f"{zone} {day}: {exc.message}")
        else:
            messages.success(request, _("Allocation run for %(zone)s on %(day)s started.")
                             % {"zone": zone, "day": day})


@admin.action(description=gettext_lazy("Start allocation run for tomorrow"))
def start_allocation_run(modeladmin, request, queryset):
    """For ZoneAdmin: allocate the selected zones' requests for tomorrow now."""
    tomorrow = localtime.now().date() + dt.timedelta(days=1)
    _start_runs(request, [(zone, tomorrow) for zone in queryset])


@admin.action(description=gettext_lazy("Start allocation run again for the same zone and day"))
def start_allocation_run_again(modeladmin, request, queryset):
    _start_runs(request, {(run.zone, run.day) for run in queryset.select_related("zone")})


class BookingAdminForm(forms.ModelForm):
    """A booking typed in the admin is made, or moved, by the booking service: every rule
    applies, and a refusal is the form's error with the service's message."""

    class Meta:
        model = Booking
        fields = ["bay", "organisation", "vehicle", "plate", "vehicle_length_m", "vehicle_mass_kg",
                  "zero_emission", "start", "end", "status", "channel", "booked_by", "note",
                  "series"]

    booked = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.booked = self._book(data)
            elif {"bay", "start", "end"} & set(self.changed_data):
                services.booking_reschedule(booking=self.instance, bay=data["bay"],
                                            start=data["start"], end=data["end"])
        except errors.BookingError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data

    @staticmethod
    def _book(data) -> Booking:
        vehicle = data.get("vehicle")
        declared = vehicle is None
        return services.booking_create(
            bay=data["bay"], organisation=data["organisation"], start=data["start"],
            end=data["end"], vehicle=vehicle,
            vehicle_length_m=data.get("vehicle_length_m") if declared else None,
            vehicle_mass_kg=data.get("vehicle_mass_kg") if declared else None,
            zero_emission=data.get("zero_emission") if declared else None,
            channel=data.get("channel") or Booking.Channel.PORTAL,
            booked_by=data.get("booked_by"), note=data.get("note", ""))


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
    form = BookingAdminForm

    def save_model(self, request, obj, form, change):
        if form.booked is not None:
            # booking_create stored it already, with its reference; keep what it stored
            obj.pk, obj.reference = form.booked.pk, form.booked.reference
            obj._state.adding = False
            return
        super().save_model(request, obj, form, change)


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
        "solver_outcome",
        "served_count",
        "requests_count",
        "objective",
        "fcfs_objective",
        "created_at",
        "progress_summary",
    ]
    list_filter = ["status", "trigger", "zone"]
    search_fields = ["zone__name"]
    date_hierarchy = "day"
    # The raw progress JSON and solver status are left out: the summaries say them in words.
    exclude = ["progress", "solver_status"]
    readonly_fields = [f.name for f in AllocationRun._meta.fields
                       if f.name not in ("id", "progress", "solver_status")] + [
        "progress_summary", "solver_outcome"]
    actions = [start_allocation_run_again]

    def has_add_permission(self, request):
        # A run is started from the zone list or by the cut-off schedule, never typed in.
        return False

    @admin.display(description=gettext_lazy("progress"))
    def progress_summary(self, run):
        return solver_progress(run)

    @admin.display(description=gettext_lazy("solver status"))
    def solver_outcome(self, run):
        return solver_status_label(run)


@admin.register(Quota)
class QuotaAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["organisation", "zone", "max_minutes_per_day"]
    list_filter = ["zone"]
    search_fields = ["organisation__name", "zone__name"]


@admin.register(BookingSeries)
class BookingSeriesAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "bay", "first_day", "until"]
    list_filter = ["bay__zone"]
    search_fields = ["organisation__name", "bay__code"]
    list_select_related = ["organisation", "bay"]
    raw_id_fields = ["vehicle", "created_by"]
    readonly_fields = ["not_booked", "created_at"]
