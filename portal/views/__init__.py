"""The shopkeeper's portal: thin views that parse a form, call one service, render."""

from .base import PortalView, SignInView
from .booking import (
    BookingAlternativeView,
    BookingCancelView,
    BookingDetailView,
    BookingListView,
    BookingRescheduleView,
    BookView,
    CalendarRenewView,
    GridView,
    SeriesChangeView,
    SeriesCreateView,
    SeriesDetailView,
    SeriesEndView,
)
from .pickups import PickupCancelView, PickupsView
from .requests import RequestsView, RequestWithdrawView
from .shop import (
    ApiKeyRevokeView,
    ApiKeysView,
    DockReservationsView,
    HomeView,
    MapView,
    NotificationsView,
    ProfileView,
    ReadinessView,
)
from .waitlist import WaitlistClaimView, WaitlistLeaveView, WaitlistView

__all__ = [
    "ApiKeyRevokeView",
    "ApiKeysView",
    "BookView",
    "BookingAlternativeView",
    "BookingCancelView",
    "BookingDetailView",
    "BookingListView",
    "BookingRescheduleView",
    "DockReservationsView",
    "CalendarRenewView",
    "GridView",
    "HomeView",
    "MapView",
    "NotificationsView",
    "ReadinessView",
    "PickupCancelView",
    "PickupsView",
    "PortalView",
    "ProfileView",
    "RequestWithdrawView",
    "RequestsView",
    "SeriesChangeView",
    "SeriesCreateView",
    "SeriesDetailView",
    "SeriesEndView",
    "SignInView",
    "WaitlistClaimView",
    "WaitlistLeaveView",
    "WaitlistView",
]
