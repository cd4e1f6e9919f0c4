"""/api/v1/: each domain app contributes its own routes here."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    # path("", include("bookings.api.urls")),  one line per app, added with its API
    path("enforcement/", include("access.api.urls")),
    path("", include("places.api.urls")),
    path("", include("organisations.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("hubs.api.urls")),
]
