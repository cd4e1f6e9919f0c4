from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("hubs", views.HubViewSet, basename="hub")
router.register("hub-dock-reservations", views.DockReservationViewSet,
                basename="hub-dock-reservation")
router.register("hub-storage-reservations", views.StorageReservationViewSet,
                basename="hub-storage-reservation")
router.register("hub-chains", views.ChainViewSet, basename="hub-chain")
router.register("pickups", views.PickupViewSet, basename="pickup")
router.register("collector-pickups", views.CollectorPickupViewSet, basename="collector-pickup")
router.register("collector-routes", views.CollectorRouteViewSet, basename="collector-route")

urlpatterns = router.urls
