"""Public pages about places: the rules of a zone, for anyone, without signing in."""

from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("<str:key>/rules/", views.zone_rules, name="zone_rules"),
]
