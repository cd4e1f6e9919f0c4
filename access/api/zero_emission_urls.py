from django.urls import path

from .zero_emission import ZeroEmissionCheckView

urlpatterns = [
    path("check", ZeroEmissionCheckView.as_view(), name="zero-emission-check"),
]
