"""/api/v1/: each domain app contributes its own routes here."""

from django.urls import include, path  # noqa: F401

app_name = "api"

urlpatterns = [
    # path("", include("bookings.api.urls")),  one line per app, added with its API
    path("", include("hubs.api.urls")),
]
