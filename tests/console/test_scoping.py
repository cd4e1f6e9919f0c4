import pytest
from django.urls import reverse

from bookings.models import BookingRequest
from places.models import Closure, LoadingBay
from tests.conftest import FRIDAY, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_url(obj, action="change"):
    meta = obj._meta
    if action == "changelist":
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


def test_an_admin_of_gouda_lists_only_gouda_bays_zones_and_bookings(client, leiden, gouda):
    client.force_login(gouda.admin)
    for theirs, mine in [(leiden.bay, gouda.bay), (leiden.zone, gouda.zone),
                         (leiden.booking, gouda.booking)]:
        page = client.get(admin_url(mine, "changelist"))
        assert page.status_code == 200
        shown = list(page.context["cl"].queryset)
        assert mine in shown and theirs not in shown


def test_an_admin_of_gouda_cannot_open_or_change_a_leiden_bay(client, leiden, gouda):
    client.force_login(gouda.admin)
    assert client.get(admin_url(gouda.bay)).status_code == 200
    assert client.get(admin_url(leiden.bay)).status_code == 403
    assert client.get(admin_url(leiden.booking)).status_code == 403
    assert client.get(admin_url(leiden.bay, "delete")).status_code == 403
    response = client.post(admin_url(leiden.bay), {"street": "Gekaapt"})
    assert response.status_code == 403
    leiden.bay.refresh_from_db()
    assert leiden.bay.street == "Breestraat"


def test_an_admin_of_gouda_cannot_open_the_history_of_a_leiden_bay(client, leiden, gouda):
    client.force_login(gouda.admin)
    assert client.get(admin_url(leiden.bay, "history")).status_code == 403
    assert client.get(admin_url(gouda.bay, "history")).status_code == 200


def test_the_zone_choices_of_a_gouda_admin_hold_gouda_only(client, leiden, gouda):
    client.force_login(gouda.admin)
    form = client.get(reverse("admin:places_loadingbay_add")).context["adminform"].form
    assert list(form.fields["zone"].queryset) == [gouda.zone]
    response = client.post(reverse("admin:places_loadingbay_add"), {
        "zone": leiden.zone.pk, "code": "SNEAK-1", "street": "Breestraat", "latitude": 52.15,
        "longitude": 4.49, "kerb_length_m": "10", "max_vehicles": 1,
        "max_vehicle_length_m": "8", "is_active": "on",
        "windows-TOTAL_FORMS": 0, "windows-INITIAL_FORMS": 0,
        "vehicle_limits-TOTAL_FORMS": 0, "vehicle_limits-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert "zone" in response.context["adminform"].form.errors
    assert not LoadingBay.objects.filter(code="SNEAK-1").exists()


def test_windows_closures_and_requests_are_scoped_too(client, leiden, gouda):
    for town in (leiden, gouda):
        Closure.objects.create(bay=town.bay, reason="market", start_date=FRIDAY, end_date=FRIDAY)
        request = BookingRequest.objects.create(
            reference=f"R{town.municipality.slug[:7].upper()}", zone=town.zone,
            organisation=town.booking.organisation, vehicle_length_m=6, zero_emission=False,
            day=FRIDAY, earliest_start=at(FRIDAY, "08:00"), latest_end=at(FRIDAY, "10:00"),
            preferred_start=at(FRIDAY, "08:00"), duration_minutes=30, channel="api")
        request.bays.set([town.bay])
    client.force_login(gouda.admin)
    windows = client.get(reverse("admin:places_timewindow_changelist")).context["cl"].queryset
    assert {w.zone_id for w in windows} == {gouda.zone.pk}
    closures = client.get(reverse("admin:places_closure_changelist")).context["cl"].queryset
    assert [c.bay for c in closures] == [gouda.bay]
    requests = client.get(reverse("admin:bookings_bookingrequest_changelist")).context["cl"]
    assert [r.zone for r in requests.queryset] == [gouda.zone]
    leiden_closure = Closure.objects.get(bay=leiden.bay)
    assert client.get(admin_url(leiden_closure)).status_code == 403


def test_a_regional_admin_and_a_superuser_see_every_municipality(
    client, leiden, gouda, regional_admin
):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (regional_admin, superuser):
        client.force_login(user)
        bays = client.get(reverse("admin:places_loadingbay_changelist")).context["cl"].queryset
        assert {leiden.bay, gouda.bay} <= set(bays)
        assert client.get(admin_url(leiden.bay)).status_code == 200


def test_a_staff_member_of_no_municipality_sees_no_bays(client, leiden):
    carrier_staff = UserFactory(username="staff-carrier", is_staff=True)
    carrier_staff.user_permissions.set(leiden.admin.user_permissions.all())
    client.force_login(carrier_staff)
    bays = client.get(reverse("admin:places_loadingbay_changelist")).context["cl"].queryset
    assert list(bays) == []


def test_console_pages_of_another_municipality_answer_404(client, leiden, gouda):
    client.force_login(gouda.admin)
    closure = Closure.objects.create(zone=leiden.zone, reason="event", start_date=FRIDAY,
                                     end_date=FRIDAY)
    assert client.get(reverse("console:zone_windows", args=[gouda.zone.pk])).status_code == 200
    for url in [
        reverse("console:zone_windows", args=[leiden.zone.pk]),
        reverse("console:bay_windows", args=[leiden.bay.pk]),
        reverse("console:whatif", args=[leiden.zone.pk]),
        reverse("console:closure_detail", args=[closure.pk]),
        reverse("console:history", args=["bay", leiden.bay.pk]),
        reverse("console:history", args=["booking", leiden.booking.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("console:closure_announce", args=[closure.pk])).status_code == 404
    index = client.get(reverse("console:index"))
    assert list(index.context["bays"]) == [gouda.bay]


def test_the_console_is_closed_to_people_who_do_not_manage_a_municipality(client, leiden):
    client.force_login(UserFactory(username="shopkeeper"))
    assert client.get(reverse("console:index")).status_code == 403
    client.logout()
    assert client.get(reverse("console:index")).status_code == 302


def test_the_filter_sidebars_of_a_gouda_admin_name_no_leiden_zone(client, leiden, gouda):
    from tests.factories import ZoneFactory

    ZoneFactory(municipality=gouda.municipality, name="Noord Gouda", slug="noord-gouda")
    client.force_login(gouda.admin)
    for model in ("bookings_booking", "bookings_bookingrequest", "bookings_allocationrun",
                  "bookings_quota"):
        page = client.get(reverse(f"admin:{model}_changelist")).content.decode()
        assert "Noord Gouda" in page, model  # the sidebar is there, with Gouda's zones
        assert "Centrum Leiden" not in page, model


def test_a_superusers_filter_sidebar_still_names_every_zone(admin_client, leiden, gouda):
    page = admin_client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert "Centrum Leiden" in page and "Centrum Gouda" in page
