from rest_framework.routers import DefaultRouter

from .views import VehicleViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("vehicles", VehicleViewSet, basename="vehicle")

urlpatterns = router.urls
