import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from places.geo import within_radius
from places.models import LoadingBay, Zone

MAX_RADIUS_M = 50_000


class ZoneFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__slug")

    class Meta:
        model = Zone
        fields = ["municipality", "zero_emission_zone"]


class BayFilter(django_filters.FilterSet):
    """Filters for bays; latitude + longitude (+ radius) sorts by distance from the point."""

    municipality = django_filters.CharFilter(field_name="zone__municipality__slug",
                                             help_text=_("Municipality slug, e.g. leiden."))
    zone = django_filters.CharFilter(field_name="zone__slug", help_text=_("Zone slug."))
    street = django_filters.CharFilter(field_name="street", lookup_expr="icontains")
    min_kerb_length_m = django_filters.NumberFilter(field_name="kerb_length_m",
                                                    lookup_expr="gte", min_value=0, max_value=999)
    vehicle_length_m = django_filters.NumberFilter(
        method="filter_vehicle_length", min_value=0, max_value=99,
        help_text=_("Only bays (and zones) that take a vehicle this long."),
    )
    latitude = django_filters.NumberFilter(method="filter_noop", min_value=-90, max_value=90)
    longitude = django_filters.NumberFilter(method="filter_noop", min_value=-180, max_value=180)
    radius_m = django_filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=MAX_RADIUS_M,
        help_text=_("With latitude and longitude: metres around the point (default 500)."),
    )

    class Meta:
        model = LoadingBay
        fields = ["municipality", "zone", "street", "is_active", "min_kerb_length_m",
                  "vehicle_length_m", "latitude", "longitude", "radius_m"]

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_vehicle_length(self, queryset, name, value):
        return queryset.filter(
            max_vehicle_length_m__gte=value, kerb_length_m__gte=value,
            zone__max_vehicle_length_m__gte=value,
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise ValidationError({"latitude": [_("Give latitude and longitude together.")]})
        if latitude is None:
            return queryset.order_by(F("code").asc())
        return within_radius(queryset, latitude=float(latitude), longitude=float(longitude),
                             radius_m=float(data.get("radius_m") or 500))
