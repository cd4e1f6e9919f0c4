from rest_framework.routers import SimpleRouter

from .views import BayViewSet, ZoneViewSet

router = SimpleRouter()
router.register("zones", ZoneViewSet, basename="zone")
router.register("bays", BayViewSet, basename="bay")

urlpatterns = router.urls
