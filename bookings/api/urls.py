from django.urls import path
from rest_framework.routers import SimpleRouter

from .calendar import calendar_feed
from .live import OccupancyStreamView, OccupancyView
from .views import (
    AvailabilityView,
    BookingRequestViewSet,
    BookingViewSet,
    NearestAvailabilityView,
    SeriesViewSet,
    WaitlistViewSet,
)

router = SimpleRouter()
router.register("bookings", BookingViewSet, basename="booking")
router.register("requests", BookingRequestViewSet, basename="booking-request")
router.register("waitlist", WaitlistViewSet, basename="waitlist")
router.register("series", SeriesViewSet, basename="series")

urlpatterns = [
    path("availability/", AvailabilityView.as_view(), name="availability"),
    path("availability/nearest/", NearestAvailabilityView.as_view(), name="availability-nearest"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    # before the bays router of places, whose detail route would take "occupancy" for an id
    path("bays/occupancy/", OccupancyView.as_view(), name="bay-occupancy"),
    path("bays/occupancy/stream/", OccupancyStreamView.as_view(), name="bay-occupancy-stream"),
    *router.urls,
]
