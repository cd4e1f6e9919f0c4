"""Who may reach what: every route of the project against every role, with the answer expected.

The routes come from the URL resolver, so a new page or endpoint without a line
here fails `test_every_route_has_an_expectation`. Each route is tried with GET
by every role on the cast's Leiden objects (see cast.py): the carrier's booking
for the API, the shop's for the portal, the collector's route for the run sheet.
Changing requests by the wrong people are tried further down.

Columns (ROLES in cast.py): anonymous, shopkeeper (shop manager), carrier with
its API key, carrier planner signed in, waste collector, municipal admin of
Leiden, municipal admin of Gouda, Leiden enforcement officer, superuser.

Answers: a status code; L a redirect to the sign-in page; AL a redirect to the
admin's sign-in page; R another redirect; UP the health check's 200 or 503 (it
depends on Redis and a worker, not on who asks).
"""

import pytest

from tests.security.cast import ROLES
from tests.security.routes import all_routes, url_of
from tests.security.rows import snapshot

L, AL, R, UP = "L", "AL", "R", "UP"

MATRIX = {
    '^static/(?P<path>.*)$': (404, 404, 404, 404, 404, 404, 404, 404, 404),
    'admin/login/': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'admin:login': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'admin:logout': (R, R, R, R, R, 405, 405, R, 405),
    'api:availability': (401, 400, 400, 400, 400, 400, 400, 400, 403),
    'api:zero-emission-check': (401, 400, 400, 400, 400, 400, 400, 400, 403),
    'api:availability-nearest': (401, 400, 400, 400, 400, 400, 400, 400, 403),
    'api:bay-detail': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:bay-geojson': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:bay-occupancy': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'api:bay-occupancy-stream': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'api:bay-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:booking-accept-alternative': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:booking-cancel': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:booking-check-in': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:booking-check-out': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:booking-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:booking-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:booking-request-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:booking-request-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:booking-request-outcome': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:booking-request-withdraw': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:booking-reschedule': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:calendar-feed': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'api:collector-pickup-collected': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:collector-pickup-detail': (401, 403, 403, 403, 404, 403, 403, 403, 403),
    'api:collector-pickup-list': (401, 403, 403, 403, 200, 403, 403, 403, 403),
    'api:collector-pickup-missed': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:collector-route-detail': (401, 404, 404, 404, 200, 404, 404, 404, 403),
    'api:collector-route-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:enforcement-check': (403, 403, 403, 403, 403, 400, 400, 400, 400),
    'api:enforcement-check-in': (403, 403, 403, 403, 403, 405, 405, 405, 405),
    'api:enforcement-no-show': (403, 403, 403, 403, 403, 405, 405, 405, 405),
    'api:hub-chain-cancel': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:hub-chain-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:hub-chain-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:hub-chain-move-delivery': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:hub-chain-move-inbound': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:hub-detail': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:hub-dock-availability': (401, 400, 400, 400, 400, 400, 400, 400, 403),
    'api:hub-dock-reservation-cancel': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:hub-dock-reservation-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:hub-dock-reservation-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:hub-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:hub-storage-reservation-cancel': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:hub-storage-reservation-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:hub-storage-reservation-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:pickup-cancel': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:pickup-detail': (401, 200, 404, 404, 404, 404, 404, 404, 403),
    'api:pickup-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:series-detail': (401, 200, 404, 404, 404, 404, 404, 404, 403),
    'api:series-end': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:series-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:vehicle-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:vehicle-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:vehicle-readiness': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:waitlist-claim': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:waitlist-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:waitlist-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:waitlist-withdraw': (401, 405, 405, 405, 405, 405, 405, 405, 403),
    'api:webhook-delivery-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:webhook-delivery-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:webhook-endpoint-detail': (401, 404, 200, 200, 404, 404, 404, 404, 403),
    'api:webhook-endpoint-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:zone-detail': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:zone-geojson': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'api:zone-list': (401, 200, 200, 200, 200, 200, 200, 200, 403),
    'cds:area': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:areas': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:events': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:metrics-aggregates': (401, 401, 401, 401, 401, 200, 200, 200, 200),
    'cds:metrics-sessions': (401, 401, 401, 401, 401, 200, 200, 200, 200),
    'cds:policies': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:policy': (404, 404, 404, 404, 404, 404, 404, 404, 404),
    'cds:space': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:spaces': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:status': (501, 501, 501, 501, 501, 501, 501, 501, 501),
    'cds:zone': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'cds:zones': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'console:bay_windows': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:bays_export': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:bays_import': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:closure_announce': (405, 405, 405, 405, 405, 405, 405, 405, 405),
    'console:closure_detail': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:closure_list': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:closure_new': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:dashboard': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:history': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:index': (L, 403, L, 403, 403, 200, 200, 403, 200),
    'console:whatif': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:zone_zero_emission': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:zone_windows': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'console:zone_windows_next': (L, 403, L, 403, 403, 200, 404, 403, 200),
    'enforcement:action': (L, 405, L, 405, 405, 405, 405, 405, 405),
    'enforcement:page': (L, 403, L, 403, 403, 200, 200, 200, 200),
    'health': (UP, UP, UP, UP, UP, UP, UP, UP, UP),
    'home': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'hubs:bundling-report': (L, 403, L, 403, 200, 200, 200, 200, 200),
    'hubs:routes': (L, 403, L, 403, 200, 403, 403, 403, 403),
    'hubs:pickup-collected': (L, 405, L, 405, 405, 405, 405, 405, 405),
    'hubs:pickup-missed': (L, 405, L, 405, 405, 405, 405, 405, 405),
    'hubs:run-sheet': (L, 403, L, 403, 200, 200, 403, 403, 200),
    'login': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'logout': (405, 405, 405, 405, 405, 405, 405, 405, 405),
    'password_change': (L, 200, L, 200, 200, 200, 200, 200, 200),
    'password_change_done': (L, 200, L, 200, 200, 200, 200, 200, 200),
    'password_reset': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'password_reset_complete': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'password_reset_confirm': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'password_reset_done': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'places:zone_rules': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'portal:api_keys': (L, 200, L, 200, R, R, R, R, 403),
    'portal:book': (L, 200, L, 200, R, R, R, R, 403),
    'portal:api_key_revoke': (L, 404, L, 200, R, R, R, R, 403),
    'portal:booking': (L, 200, L, 404, R, R, R, R, 403),
    'portal:booking_alternative': (L, 405, L, 405, R, R, R, R, 403),
    'portal:booking_cancel': (L, 200, L, 404, R, R, R, R, 403),
    'portal:booking_reschedule': (L, 200, L, 404, R, R, R, R, 403),
    'portal:bookings': (L, 200, L, 200, R, R, R, R, 403),
    'portal:calendar_renew': (L, 405, L, 405, R, R, R, R, 403),
    'portal:docks': (L, 200, L, 200, R, R, R, R, 403),
    'portal:grid': (L, 200, L, 200, R, R, R, R, 403),
    'portal:home': (L, 200, L, 200, R, R, R, R, 403),
    'portal:map': (L, 200, L, 200, R, R, R, R, 403),
    'portal:notifications': (L, 200, L, 200, R, R, R, R, 403),
    'portal:readiness': (L, 200, L, 200, R, R, R, R, 403),
    'portal:pickup_cancel': (L, 200, L, 404, R, R, R, R, 403),
    'portal:pickups': (L, 200, L, 200, R, R, R, R, 403),
    'portal:profile': (L, 200, L, 200, R, R, R, R, 403),
    'portal:request_withdraw': (L, 200, L, 404, R, R, R, R, 403),
    'portal:requests': (L, 200, L, 200, R, R, R, R, 403),
    'portal:series_end': (L, 200, L, 404, R, R, R, R, 403),
    'portal:series': (L, 200, L, 404, R, R, R, R, 403),
    'portal:series_change': (L, 200, L, 404, R, R, R, R, 403),
    'portal:waitlist': (L, 200, L, 200, R, R, R, R, 403),
    'portal:waitlist_claim': (L, 200, L, 404, R, R, R, R, 403),
    'portal:waitlist_leave': (L, 200, L, 404, R, R, R, R, 403),
    'portal:series_create': (L, 200, L, 200, R, R, R, R, 403),
    'redoc': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'schema': (200, 200, 200, 200, 200, 200, 200, 200, 200),
    'set_language': (R, R, R, R, R, R, R, R, R),
    'swagger-ui': (200, 200, 200, 200, 200, 200, 200, 200, 200),
}
ADMIN = {
    'admin/(?P<url>.*)$': (404, 404, 404),
    'admin/access/dayexemptionuse/<path:object_id>/': (R, R, R),
    'admin/access/exemption/<path:object_id>/': (R, R, R),
    'admin/access/registeredfuel/<path:object_id>/': (R, R, R),
    'admin/access/registeredvehicle/<path:object_id>/': (R, R, R),
    'admin/api/organisationapikey/<path:object_id>/': (R, R, R),
    'admin/auth/group/<path:object_id>/': (R, R, R),
    'admin/auth/user/<path:object_id>/': (R, R, R),
    'admin/bookings/allocationrun/<path:object_id>/': (R, R, R),
    'admin/bookings/booking/<path:object_id>/': (R, R, R),
    'admin/bookings/bookingrequest/<path:object_id>/': (R, R, R),
    'admin/bookings/bookingseries/<path:object_id>/': (R, R, R),
    'admin/bookings/quota/<path:object_id>/': (R, R, R),
    'admin/hubs/collectorvehicle/<path:object_id>/': (R, R, R),
    'admin/hubs/disposalsite/<path:object_id>/': (R, R, R),
    'admin/hubs/dockreservation/<path:object_id>/': (R, R, R),
    'admin/hubs/hub/<path:object_id>/': (R, R, R),
    'admin/hubs/hubshare/<path:object_id>/': (R, R, R),
    'admin/hubs/lastmilechain/<path:object_id>/': (R, R, R),
    'admin/hubs/pickuprequest/<path:object_id>/': (R, R, R),
    'admin/hubs/plannedroute/<path:object_id>/': (R, R, R),
    'admin/hubs/planningrun/<path:object_id>/': (R, R, R),
    'admin/hubs/storagereservation/<path:object_id>/': (R, R, R),
    'admin/notifications/notification/<path:object_id>/': (R, R, R),
    'admin/organisations/membership/<path:object_id>/': (R, R, R),
    'admin/organisations/organisation/<path:object_id>/': (R, R, R),
    'admin/organisations/vehicle/<path:object_id>/': (R, R, R),
    'admin/places/closure/<path:object_id>/': (R, R, R),
    'admin/places/loadingbay/<path:object_id>/': (R, R, R),
    'admin/places/municipality/<path:object_id>/': (R, R, R),
    'admin/places/timewindow/<path:object_id>/': (R, R, R),
    'admin/places/zone/<path:object_id>/': (R, R, R),
    'admin/rest_framework_api_key/apikey/<path:object_id>/': (R, R, R),
    'admin/webhooks/webhookdelivery/<path:object_id>/': (R, R, R),
    'admin/webhooks/webhookendpoint/<path:object_id>/': (R, R, R),
    'admin/webhooks/webhookevent/<path:object_id>/': (R, R, R),
    'admin:access_dayexemptionuse_add': (403, 403, 403),
    'admin:access_dayexemptionuse_change': (403, 403, R),
    'admin:access_dayexemptionuse_changelist': (403, 403, 200),
    'admin:access_dayexemptionuse_delete': (403, 403, R),
    'admin:access_dayexemptionuse_history': (R, R, R),
    'admin:access_exemption_add': (403, 403, 200),
    'admin:access_exemption_change': (403, 403, R),
    'admin:access_exemption_changelist': (403, 403, 200),
    'admin:access_exemption_delete': (403, 403, R),
    'admin:access_exemption_history': (404, 404, 404),
    'admin:access_exemption_simple_history': (404, 404, 404),
    'admin:access_registeredfuel_add': (403, 403, 403),
    'admin:access_registeredfuel_change': (403, 403, R),
    'admin:access_registeredfuel_changelist': (403, 403, 200),
    'admin:access_registeredfuel_delete': (403, 403, R),
    'admin:access_registeredfuel_history': (R, R, R),
    'admin:access_registeredvehicle_add': (403, 403, 403),
    'admin:access_registeredvehicle_change': (403, 403, R),
    'admin:access_registeredvehicle_changelist': (403, 403, 200),
    'admin:access_registeredvehicle_delete': (403, 403, R),
    'admin:access_registeredvehicle_history': (R, R, R),
    'admin:api_organisationapikey_add': (403, 403, 200),
    'admin:api_organisationapikey_change': (403, 403, R),
    'admin:api_organisationapikey_changelist': (403, 403, 200),
    'admin:api_organisationapikey_delete': (403, 403, R),
    'admin:api_organisationapikey_history': (404, 404, 404),
    # no version of a key is shown or reverted: its rows hold no hash
    'admin:api_organisationapikey_simple_history': (403, 403, 403),
    'admin:app_list': (200, 200, 200),
    'admin:auth_group_add': (403, 403, 200),
    'admin:auth_group_change': (403, 403, R),
    'admin:auth_group_changelist': (403, 403, 200),
    'admin:auth_group_delete': (403, 403, R),
    'admin:auth_group_history': (R, R, R),
    'admin:auth_user_add': (403, 403, 200),
    'admin:auth_user_change': (403, 403, 200),
    'admin:auth_user_changelist': (403, 403, 200),
    'admin:auth_user_delete': (403, 403, 200),
    'admin:auth_user_history': (403, 403, 200),
    'admin:auth_user_password_change': (403, 403, 200),
    'admin:autocomplete': (403, 403, 403),
    'admin:bookings_allocationrun_add': (403, 403, 403),  # runs are started, not typed in
    'admin:bookings_allocationrun_change': (R, R, R),
    'admin:bookings_allocationrun_changelist': (200, 200, 200),
    'admin:bookings_allocationrun_delete': (R, R, R),
    'admin:bookings_allocationrun_history': (R, R, R),
    'admin:bookings_booking_add': (200, 200, 200),
    'admin:bookings_booking_change': (200, 403, 200),
    'admin:bookings_booking_changelist': (200, 200, 200),
    'admin:bookings_booking_delete': (200, 403, 200),
    'admin:bookings_booking_history': (200, 403, 200),
    'admin:bookings_booking_simple_history': (200, 403, 200),
    'admin:bookings_bookingrequest_add': (200, 200, 200),
    'admin:bookings_bookingrequest_change': (200, 403, 200),
    'admin:bookings_bookingrequest_changelist': (200, 200, 200),
    'admin:bookings_bookingrequest_delete': (200, 403, 200),
    'admin:bookings_bookingrequest_history': (200, 403, 200),
    'admin:bookings_bookingseries_add': (200, 200, 200),
    'admin:bookings_bookingseries_change': (200, 403, 200),
    'admin:bookings_bookingseries_changelist': (200, 200, 200),
    'admin:bookings_bookingseries_delete': (200, 403, 200),
    'admin:bookings_bookingseries_history': (200, 403, 200),
    'admin:bookings_bookingseries_simple_history': (200, 403, 200),
    'admin:bookings_quota_add': (200, 200, 200),
    'admin:bookings_quota_change': (R, R, R),
    'admin:bookings_quota_changelist': (200, 200, 200),
    'admin:bookings_quota_delete': (R, R, R),
    'admin:bookings_quota_history': (404, 404, 404),
    'admin:bookings_quota_simple_history': (404, 404, 404),
    'admin:hubs_collectorvehicle_add': (200, 200, 200),
    'admin:hubs_collectorvehicle_change': (200, 200, 200),
    'admin:hubs_collectorvehicle_changelist': (200, 200, 200),
    'admin:hubs_collectorvehicle_delete': (200, 200, 200),
    'admin:hubs_collectorvehicle_history': (200, 200, 200),
    'admin:hubs_disposalsite_add': (200, 200, 200),
    'admin:hubs_disposalsite_change': (R, R, R),
    'admin:hubs_disposalsite_changelist': (200, 200, 200),
    'admin:hubs_disposalsite_delete': (R, R, R),
    'admin:hubs_disposalsite_history': (R, R, R),
    'admin:hubs_dockreservation_add': (403, 403, 403),
    'admin:hubs_dockreservation_change': (200, 403, 200),
    'admin:hubs_dockreservation_changelist': (200, 200, 200),
    'admin:hubs_dockreservation_delete': (200, 403, 200),
    'admin:hubs_dockreservation_history': (200, 403, 200),
    'admin:hubs_hub_add': (200, 200, 200),
    'admin:hubs_hub_change': (200, 403, 200),
    'admin:hubs_hub_changelist': (200, 200, 200),
    'admin:hubs_hub_delete': (200, 403, 200),
    'admin:hubs_hub_history': (200, 403, 200),
    'admin:hubs_hubshare_add': (200, 200, 200),
    'admin:hubs_hubshare_change': (200, 403, 200),
    'admin:hubs_hubshare_changelist': (200, 200, 200),
    'admin:hubs_hubshare_delete': (200, 403, 200),
    'admin:hubs_hubshare_history': (200, 404, 200),
    'admin:hubs_hubshare_simple_history': (404, 404, 404),  # the cast's share has no version
    'admin:hubs_lastmilechain_add': (403, 403, 403),
    'admin:hubs_lastmilechain_change': (R, R, R),
    'admin:hubs_lastmilechain_changelist': (200, 200, 200),
    'admin:hubs_lastmilechain_delete': (R, R, R),
    'admin:hubs_lastmilechain_history': (R, R, R),
    'admin:hubs_pickuprequest_add': (200, 200, 200),
    'admin:hubs_pickuprequest_change': (200, 403, 200),
    'admin:hubs_pickuprequest_changelist': (200, 200, 200),
    'admin:hubs_pickuprequest_delete': (200, 403, 200),
    'admin:hubs_pickuprequest_history': (200, 403, 200),
    'admin:hubs_plannedroute_add': (403, 403, 403),
    'admin:hubs_plannedroute_change': (200, 403, 200),
    'admin:hubs_plannedroute_changelist': (200, 200, 200),
    'admin:hubs_plannedroute_delete': (200, 403, 200),
    'admin:hubs_plannedroute_history': (200, 403, 200),
    'admin:hubs_planningrun_add': (200, 200, 200),
    'admin:hubs_planningrun_change': (200, 200, 200),
    'admin:hubs_planningrun_changelist': (200, 200, 200),
    'admin:hubs_planningrun_delete': (200, 200, 200),
    'admin:hubs_planningrun_history': (200, 200, 200),
    'admin:hubs_storagereservation_add': (403, 403, 403),
    'admin:hubs_storagereservation_change': (200, 403, 200),
    'admin:hubs_storagereservation_changelist': (200, 200, 200),
    'admin:hubs_storagereservation_delete': (200, 403, 200),
    'admin:hubs_storagereservation_history': (200, 403, 200),
    'admin:index': (200, 200, 200),
    'admin:jsi18n': (200, 200, 200),
    'admin:notifications_notification_add': (403, 403, 200),
    'admin:notifications_notification_change': (403, 403, R),
    'admin:notifications_notification_changelist': (403, 403, 200),
    'admin:notifications_notification_delete': (403, 403, R),
    'admin:notifications_notification_history': (R, R, R),
    'admin:organisations_membership_add': (200, 200, 200),
    'admin:organisations_membership_change': (200, 403, 200),
    'admin:organisations_membership_changelist': (200, 200, 200),
    'admin:organisations_membership_delete': (200, 403, 200),
    'admin:organisations_membership_history': (200, 403, 200),
    'admin:organisations_membership_simple_history': (200, 403, 200),
    'admin:organisations_organisation_add': (200, 200, 200),
    'admin:organisations_organisation_change': (200, 403, 200),
    'admin:organisations_organisation_changelist': (200, 200, 200),
    'admin:organisations_organisation_delete': (200, 403, 200),
    'admin:organisations_organisation_history': (200, 403, 200),
    'admin:organisations_vehicle_add': (200, 200, 200),
    'admin:organisations_vehicle_change': (200, 403, 200),
    'admin:organisations_vehicle_changelist': (200, 200, 200),
    'admin:organisations_vehicle_delete': (200, 403, 200),
    'admin:organisations_vehicle_history': (200, 403, 200),
    'admin:organisations_vehicle_simple_history': (200, 403, 200),
    'admin:password_change': (200, 200, 200),
    'admin:password_change_done': (200, 200, 200),
    'admin:places_closure_add': (200, 200, 200),
    'admin:places_closure_change': (200, 403, 200),
    'admin:places_closure_changelist': (200, 200, 200),
    'admin:places_closure_delete': (200, 403, 200),
    'admin:places_closure_history': (200, 403, 200),
    'admin:places_closure_simple_history': (200, 403, 200),
    'admin:places_loadingbay_add': (200, 200, 200),
    'admin:places_loadingbay_change': (200, 403, 200),
    'admin:places_loadingbay_changelist': (200, 200, 200),
    'admin:places_loadingbay_delete': (200, 403, 200),
    'admin:places_loadingbay_history': (200, 403, 200),
    'admin:places_loadingbay_simple_history': (200, 403, 200),
    'admin:places_municipality_add': (200, 200, 200),
    'admin:places_municipality_change': (200, 403, 200),
    'admin:places_municipality_changelist': (200, 200, 200),
    'admin:places_municipality_delete': (200, 403, 200),
    'admin:places_municipality_history': (200, 403, 200),
    'admin:places_timewindow_add': (200, 200, 200),
    'admin:places_timewindow_change': (200, 403, 200),
    'admin:places_timewindow_changelist': (200, 200, 200),
    'admin:places_timewindow_delete': (200, 403, 200),
    'admin:places_timewindow_history': (200, 403, 200),
    'admin:places_timewindow_simple_history': (200, 403, 200),
    'admin:places_zone_add': (200, 200, 200),
    'admin:places_zone_change': (200, 403, 200),
    'admin:places_zone_changelist': (200, 200, 200),
    'admin:places_zone_delete': (200, 403, 200),
    'admin:places_zone_history': (200, 403, 200),
    'admin:places_zone_simple_history': (200, 403, 200),
    'admin:rest_framework_api_key_apikey_add': (403, 403, 200),
    'admin:rest_framework_api_key_apikey_change': (403, 403, R),
    'admin:rest_framework_api_key_apikey_changelist': (403, 403, 200),
    'admin:rest_framework_api_key_apikey_delete': (403, 403, R),
    'admin:rest_framework_api_key_apikey_history': (R, R, R),
    'admin:view_on_site': (404, 404, 404),
    'admin:webhooks_webhookdelivery_add': (403, 403, 200),
    'admin:webhooks_webhookdelivery_change': (403, 403, 200),
    'admin:webhooks_webhookdelivery_changelist': (403, 403, 200),
    'admin:webhooks_webhookdelivery_delete': (403, 403, 200),
    'admin:webhooks_webhookdelivery_history': (403, 403, 200),
    'admin:webhooks_webhookendpoint_add': (403, 403, 200),
    'admin:webhooks_webhookendpoint_change': (403, 403, 200),
    'admin:webhooks_webhookendpoint_changelist': (403, 403, 200),
    'admin:webhooks_webhookendpoint_delete': (403, 403, 200),
    'admin:webhooks_webhookendpoint_history': (403, 403, 200),
    'admin:webhooks_webhookendpoint_simple_history': (403, 403, 200),
    'admin:webhooks_webhookevent_add': (403, 403, 200),
    'admin:webhooks_webhookevent_change': (403, 403, 200),
    'admin:webhooks_webhookevent_changelist': (403, 403, 200),
    'admin:webhooks_webhookevent_delete': (403, 403, 200),
    'admin:webhooks_webhookevent_history': (403, 403, 200),
}

# The six roles without staff status meet the admin's sign-in page on every admin route
# listed in ADMIN, whose columns are: Leiden admin, Gouda admin, superuser.
NOT_STAFF = ("anonymous", "shopkeeper", "carrier_key", "carrier_session", "collector",
             "enforcer")
STAFF = ("leiden_admin", "gouda_admin", "superuser")


def expected(key: str) -> dict[str, object]:
    if key in MATRIX:
        return dict(zip(ROLES, MATRIX[key], strict=True))
    staff = dict(zip(STAFF, ADMIN[key], strict=True))
    return {role: staff.get(role, AL) for role in ROLES}


def answer(response):
    if response.status_code in (301, 302):
        target = response["Location"].split("?")[0]
        return {"/accounts/login/": L, "/admin/login/": AL}.get(target, R)
    return response.status_code


def matches(got, want) -> bool:
    if want == UP:
        return got in (200, 503)
    return got == want


def test_every_route_has_an_expectation():
    routes = set(all_routes())
    missing = sorted(routes - set(MATRIX) - set(ADMIN))
    assert not missing, f"routes without a line in the access matrix: {missing}"
    # The static files route exists only with DEBUG on.
    stale = sorted((set(MATRIX) | set(ADMIN)) - routes - {"^static/(?P<path>.*)$"})
    assert not stale, f"lines for routes that no longer exist: {stale}"


@pytest.mark.parametrize("key", sorted(set(all_routes())))
def test_each_role_gets_the_expected_answer(cast, db, frozen_now, key):
    url = url_of(key, cast)
    wrong = {}
    for role, want in expected(key).items():
        got = answer(cast.client(role).get(url))
        if not matches(got, want):
            wrong[role] = f"got {got}, expected {want}"
    assert not wrong, f"GET {url}: {wrong}"


# --- Changes by the wrong people: refused, and nothing changes -------------------------------


# Next Monday's windows for the cast's zone: what a municipal admin would publish.
NEXT_WINDOWS = {"valid_from": "2026-03-30", "action": "publish", "w-TOTAL_FORMS": 1,
                "w-INITIAL_FORMS": 0, "w-0-weekday": 0, "w-0-start": "06:00",
                "w-0-end": "09:00"}

CHANGES = [
    # (who, method, address, body, expected status)
    ("shopkeeper", "post", lambda c: f"/api/v1/bookings/{c.booking.reference}/cancel/", {}, 404),
    ("collector", "post", lambda c: f"/api/v1/bookings/{c.booking.reference}/check-in/", {}, 404),
    ("gouda_admin", "post", lambda c: f"/api/v1/bookings/{c.booking.reference}/reschedule/",
     {"start": "2026-03-28T09:00:00+01:00", "end": "2026-03-28T09:30:00+01:00"}, 404),
    ("leiden_admin", "post", lambda c: f"/api/v1/bookings/{c.booking.reference}/cancel/", {},
     404),
    ("anonymous", "post", lambda c: f"/api/v1/bookings/{c.booking.reference}/cancel/", {}, 401),
    ("shopkeeper", "post",
     lambda c: f"/api/v1/requests/{c.booking_request.reference}/withdraw/", {}, 404),
    ("collector", "post", lambda c: f"/api/v1/waitlist/{c.waitlist_entry.pk}/withdraw/", {}, 404),
    ("shopkeeper", "patch", lambda c: f"/api/v1/vehicles/{c.van.pk}/", {"length_m": "3"}, 404),
    ("shopkeeper", "delete", lambda c: f"/api/v1/vehicles/{c.van.pk}/", None, 405),
    ("shopkeeper", "delete", lambda c: f"/api/v1/webhooks/endpoints/{c.webhook_endpoint.pk}/",
     None, 404),
    ("shopkeeper", "post",
     lambda c: f"/api/v1/hub-dock-reservations/{c.dock_reservation.pk}/cancel/", {}, 404),
    ("carrier_session", "post",
     lambda c: f"/portal/bookings/{c.shop_booking.reference}/cancel/", {"confirmed": "yes"}, 404),
    ("carrier_session", "post",
     lambda c: f"/portal/requests/{c.shop_request.reference}/withdraw/", {"confirmed": "yes"}, 404),
    ("carrier_session", "post", lambda c: f"/portal/pickups/{c.pickup.pk}/cancel/",
     {"confirmed": "yes"}, 404),
    ("gouda_admin", "post", lambda c: f"/console/closures/{c.closure.pk}/announce/", {}, 404),
    ("gouda_admin", "post", lambda c: f"/console/zones/{c.zone.pk}/windows/", {}, 404),
    ("gouda_admin", "post",
     lambda c: f"/enforcement/bookings/{c.booking.reference}/check-in/", {}, 404),
    ("shopkeeper", "post",
     lambda c: f"/enforcement/bookings/{c.booking.reference}/no-show/", {}, 403),
    ("gouda_admin", "post",
     lambda c: f"/api/v1/enforcement/bookings/{c.booking.reference}/check-in", {}, 404),
    ("carrier_key", "post",
     lambda c: f"/api/v1/enforcement/bookings/{c.booking.reference}/check-in", {}, 403),
    ("gouda_admin", "post", lambda c: f"/admin/places/zone/{c.zone.pk}/delete/", {"post": "yes"},
     403),
    ("gouda_admin", "post", lambda c: f"/admin/bookings/booking/{c.booking.pk}/delete/",
     {"post": "yes"}, 403),
    ("gouda_admin", "post", lambda c: f"/admin/hubs/hub/{c.hub.pk}/delete/", {"post": "yes"}, 403),
    ("collector", "post", lambda c: f"/admin/places/zone/{c.zone.pk}/delete/", {"post": "yes"},
     AL),
    *[(role, "post", lambda c: f"/console/zones/{c.zone.pk}/windows/next/", NEXT_WINDOWS, want)
      for role, want in (("gouda_admin", 404), ("carrier_session", 403), ("anonymous", L))],
    ("anonymous", "post", lambda c: f"/zones/{c.zone.slug}/rules/", {}, 405),
]


@pytest.mark.parametrize(("role", "method", "address", "body", "want"), CHANGES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CHANGES)])
def test_a_change_by_the_wrong_person_is_refused_and_changes_nothing(cast, db, frozen_now, role,
                                                                      method, address, body,
                                                                      want):
    before = snapshot(cast)
    url = address(cast)
    client = cast.client(role)
    kwargs = {"format": "json"} if url.startswith("/api/") else {}
    response = getattr(client, method)(url, body, **kwargs)
    assert answer(response) == want, f"{method.upper()} {url}: {response.status_code}"
    assert snapshot(cast) == before


# --- The holes this matrix found, one test each ---------------------------------------------


@pytest.mark.parametrize("address", ["/admin/places/municipality/", "/admin/places/zone/add/",
                                     "/admin/organisations/organisation/add/"])
def test_a_municipal_admin_opens_pages_that_choose_a_municipality_without_a_server_error(
        cast, db, frozen_now, address):
    """The scope filtered a municipality's own id with a model instance: a 500 for every
    municipal admin on the municipality list and any form with a municipality field."""
    for role in ("leiden_admin", "gouda_admin"):
        assert cast.client(role).get(address).status_code == 200


def test_the_gouda_admin_cannot_open_leidens_hub_reservations_in_the_admin(cast, db,
                                                                          frozen_now):
    gouda = cast.client("gouda_admin")
    for address in (f"/admin/hubs/hub/{cast.hub.pk}/change/",
                    f"/admin/hubs/dockreservation/{cast.dock_reservation.pk}/change/",
                    f"/admin/hubs/storagereservation/{cast.storage_reservation.pk}/change/",
                    f"/admin/hubs/plannedroute/{cast.route.pk}/change/"):
        assert gouda.get(address).status_code == 403, address
    listed = gouda.get("/admin/hubs/dockreservation/").content.decode()
    assert cast.dock_reservation.reference not in listed


def test_a_run_sheet_is_for_its_collector_and_staff_of_the_municipalities_sharing_the_hub(
        cast, db, frozen_now):
    address = f"/hubs/routes/{cast.route.pk}/sheet/"
    assert cast.client("collector").get(address).status_code == 200
    assert cast.client("leiden_admin").get(address).status_code == 200
    assert cast.client("gouda_admin").get(address).status_code == 403
