from rest_framework.routers import DefaultRouter

from .views import BayViewSet, ZoneViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("zones", ZoneViewSet, basename="zone")
router.register("bays", BayViewSet, basename="bay")

urlpatterns = router.urls
