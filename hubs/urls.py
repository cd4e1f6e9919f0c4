from django.urls import path

from . import views

app_name = "hubs"

urlpatterns = [
    path("routes/", views.route_list, name="routes"),
    path("routes/<int:pk>/sheet/", views.run_sheet, name="run-sheet"),
    path("bundling-report/", views.bundling_report_page, name="bundling-report"),
]
