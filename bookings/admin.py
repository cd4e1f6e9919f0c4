from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Booking


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "bay", "organisation", "plate", "start", "end", "status",
                    "channel"]
    list_filter = ["status", "channel", "zero_emission", "bay__zone", "start"]
    search_fields = ["reference", "plate", "organisation__name", "bay__code", "bay__street"]
    date_hierarchy = "start"
    list_select_related = ["bay", "organisation"]
    readonly_fields = ["reference", "created_at", "updated_at", "cancelled_at",
                       "checked_in_at", "checked_out_at"]
    raw_id_fields = ["vehicle", "booked_by"]
