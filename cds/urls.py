"""/cds/: the Curb Data Specification: the Curbs and Events APIs (public) and the Metrics API
(for municipalities); all read-only."""

from django.urls import path

from . import metrics_views, views

app_name = "cds"

urlpatterns = [
    path("curbs/zones", views.zones, name="zones"),
    path("curbs/zones/<uuid:curb_zone_id>", views.zone_detail, name="zone"),
    path("curbs/areas", views.areas, name="areas"),
    path("curbs/areas/<uuid:curb_area_id>", views.area_detail, name="area"),
    path("curbs/spaces", views.spaces, name="spaces"),
    path("curbs/spaces/<uuid:curb_space_id>", views.space_detail, name="space"),
    path("curbs/policies", views.policies, name="policies"),
    path("curbs/policies/<uuid:curb_policy_id>", views.policy_detail, name="policy"),
    path("events/events", views.events_list, name="events"),
    path("events/status", views.events_status, name="status"),
    path("metrics/sessions", metrics_views.sessions, name="metrics-sessions"),
    path("metrics/aggregates", metrics_views.aggregates, name="metrics-aggregates"),
]
