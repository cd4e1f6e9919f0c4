"""/api/v1/: each domain app contributes its own routes here."""

from django.urls import include, path

app_name = "api"

# One line per app; bookings first, as the routes asked for most (Django tries them in order).
urlpatterns = [
    path("", include("bookings.api.urls")),
    path("enforcement/", include("access.api.urls")),
    path("zero-emission/", include("access.api.zero_emission_urls")),
    path("", include("places.api.urls")),
    path("", include("organisations.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("hubs.api.urls")),
]
