from django.urls import path

from . import views

urlpatterns = [
    path("check", views.CheckView.as_view(), name="enforcement-check"),
    path("bookings/<str:reference>/check-in", views.CheckInView.as_view(),
         name="enforcement-check-in"),
    path("bookings/<str:reference>/no-show", views.NoShowView.as_view(),
         name="enforcement-no-show"),
]
