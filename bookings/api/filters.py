import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from api.filters import IdFilter
from bookings.models import Booking, BookingRequest, WaitlistEntry
from places import localtime


class BookingFilter(django_filters.FilterSet):
    """Date range in local days (DST-proof), bay, vehicle and status."""

    date_from = django_filters.DateFilter(method="filter_from", help_text=_("A local date."))
    date_to = django_filters.DateFilter(method="filter_to", help_text=_("Inclusive."))
    bay = IdFilter(field_name="bay_id")
    vehicle = IdFilter(field_name="vehicle_id")
    status = django_filters.MultipleChoiceFilter(choices=Booking.Status.choices)

    class Meta:
        model = Booking
        fields = ["date_from", "date_to", "bay", "vehicle", "status"]

    def filter_from(self, queryset, name, value):
        return queryset.filter(end__gt=_local_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(start__lt=_local_midnight(value + dt.timedelta(days=1)))


def _local_midnight(day: dt.date):
    day = min(max(day, dt.date(2000, 1, 1)), dt.date(2100, 1, 1))
    return localtime.day_start(day)


class BookingRequestFilter(django_filters.FilterSet):
    day = django_filters.DateFilter()
    zone = django_filters.CharFilter(field_name="zone__slug")
    status = django_filters.MultipleChoiceFilter(choices=BookingRequest.Status.choices)

    class Meta:
        model = BookingRequest
        fields = ["day", "zone", "status"]


class WaitlistFilter(django_filters.FilterSet):
    bay = IdFilter(field_name="bay_id")
    status = django_filters.MultipleChoiceFilter(choices=WaitlistEntry.Status.choices)

    class Meta:
        model = WaitlistEntry
        fields = ["bay", "status"]
