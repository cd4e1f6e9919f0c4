from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path("zones/<int:pk>/windows/", views.zone_windows, name="zone_windows"),
    path("zones/<int:pk>/windows/next/", views.zone_windows_next, name="zone_windows_next"),
    path("bays/<int:pk>/windows/", views.bay_windows, name="bay_windows"),
    path("zones/<int:pk>/what-if/", views.whatif, name="whatif"),
    path("zones/<int:pk>/zero-emission/", views.zone_zero_emission, name="zone_zero_emission"),
    path("closures/", views.closure_list, name="closure_list"),
    path("closures/new/", views.closure_new, name="closure_new"),
    path("closures/<int:pk>/", views.closure_detail, name="closure_detail"),
    path("closures/<int:pk>/announce/", views.closure_announce_view, name="closure_announce"),
    path("bays/export.<str:file_format>", views.bays_export, name="bays_export"),
    path("bays/import/", views.bays_import, name="bays_import"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
