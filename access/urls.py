from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.enforcement_page, name="page"),
    path("bookings/<reference:reference>/<slug:action>/", views.enforcement_action, name="action"),
]
