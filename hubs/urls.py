from django.urls import path

from . import views

app_name = "hubs"

urlpatterns = [
    path("routes/", views.route_list, name="routes"),
    path("routes/<int:pk>/sheet/", views.run_sheet, name="run-sheet"),
    path("routes/<int:route_pk>/pickups/<int:pk>/collected/", views.pickup_collected,
         name="pickup-collected"),
    path("routes/<int:route_pk>/pickups/<int:pk>/missed/", views.pickup_missed,
         name="pickup-missed"),
    path("bundling-report/", views.bundling_report_page, name="bundling-report"),
]
