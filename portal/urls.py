"""/portal/: the shopkeeper's pages."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("map/", views.MapView.as_view(), name="map"),
    path("book/", views.GridView.as_view(), name="grid"),
    path("book/confirm/", views.BookView.as_view(), name="book"),
    path("bookings/", views.BookingListView.as_view(), name="bookings"),
    path("bookings/calendar/renew/", views.CalendarRenewView.as_view(), name="calendar_renew"),
    path("bookings/<reference:reference>/", views.BookingDetailView.as_view(), name="booking"),
    path("bookings/<reference:reference>/cancel/", views.BookingCancelView.as_view(),
         name="booking_cancel"),
    path("bookings/<reference:reference>/reschedule/", views.BookingRescheduleView.as_view(),
         name="booking_reschedule"),
    path("bookings/<reference:reference>/alternative/", views.BookingAlternativeView.as_view(),
         name="booking_alternative"),
    path("recurring/new/", views.SeriesCreateView.as_view(), name="series_create"),
    path("recurring/<int:pk>/", views.SeriesDetailView.as_view(), name="series"),
    path("recurring/<int:pk>/change/", views.SeriesChangeView.as_view(), name="series_change"),
    path("recurring/<int:pk>/end/", views.SeriesEndView.as_view(), name="series_end"),
    path("requests/", views.RequestsView.as_view(), name="requests"),
    path("requests/<reference:reference>/withdraw/", views.RequestWithdrawView.as_view(),
         name="request_withdraw"),
    path("pickups/", views.PickupsView.as_view(), name="pickups"),
    path("pickups/<int:pk>/cancel/", views.PickupCancelView.as_view(), name="pickup_cancel"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("zero-emission/", views.ReadinessView.as_view(), name="readiness"),
    path("api-keys/", views.ApiKeysView.as_view(), name="api_keys"),
    path("api-keys/<str:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="api_key_revoke"),
    path("docks/", views.DockReservationsView.as_view(), name="docks"),
    path("waitlist/", views.WaitlistView.as_view(), name="waitlist"),
    path("waitlist/<int:pk>/claim/", views.WaitlistClaimView.as_view(), name="waitlist_claim"),
    path("waitlist/<int:pk>/leave/", views.WaitlistLeaveView.as_view(), name="waitlist_leave"),
]
