"""/cds/: the Curb Data Specification (Curbs API and Events API), public and read-only."""

from django.urls import path

from . import views

app_name = "cds"

urlpatterns = [
    path("curbs/zones", views.zones, name="zones"),
    path("curbs/zones/<uuid:curb_zone_id>", views.zone_detail, name="zone"),
    path("curbs/areas", views.areas, name="areas"),
    path("curbs/spaces", views.spaces, name="spaces"),
    path("curbs/policies", views.policies, name="policies"),
    path("events/events", views.events_list, name="events"),
]
