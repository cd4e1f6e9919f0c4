"""On the street: the enforcement answer for booked, unbooked, wrong-window, wrong-bay and
non-zero-emission vehicles, by service, API and page, in a handful of queries."""

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from access.enforcement import (
    NotAllowedToEnforce,
    Scope,
    Verdict,
    enforcement_check,
    enforcement_scope,
)
from api.services import api_key_create
from bookings.models import Booking
from bookings.services import booking_create
from organisations.models import Membership, Organisation
from tests.access.factories import RegisteredVehicleFactory
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db
EVERYWHERE = Scope(None)
NOW = at(FRIDAY, "12:10")


@pytest.fixture
def bay(frozen_now):
    return BayFactory(code="LEI-001")


@pytest.fixture
def e_van(frozen_now):
    RegisteredVehicleFactory(plate="VB123K", fuels=["Elektriciteit"], zero_emission=True)
    return VehicleFactory(plate="VB123K", zero_emission=True)


@pytest.fixture
def booking(bay, e_van):
    return booking_create(bay=bay, organisation=e_van.organisation, vehicle=e_van,
                          start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))


def check(plate, bay_code="", now=NOW, scope=EVERYWHERE):
    return enforcement_check(plate=plate, bay_code=bay_code, now=now, scope=scope)


def test_a_vehicle_booked_here_now_is_allowed_with_its_booking_and_window(booking):
    answer = check("vb-123-k", "LEI-001")
    assert answer.verdict == Verdict.ALLOWED and answer.booked_here_now
    assert answer.booking == booking
    assert answer.window.zero_emission_only and answer.window.start.hour == 11
    assert answer.zero_emission.is_zero_emission is True
    assert answer.zero_emission.reason == "register_zero_emission"


def test_a_vehicle_without_a_booking_today_is_not_booked(bay):
    answer = check("GV123B", "LEI-001")
    assert answer.verdict == Verdict.NOT_BOOKED and not answer.booked_here_now
    assert answer.booking is None


def test_a_vehicle_booked_for_another_time_today_is_in_the_wrong_window(booking):
    answer = check("VB123K", "LEI-001", now=at(FRIDAY, "13:00"))
    assert answer.verdict == Verdict.WRONG_WINDOW and not answer.booked_here_now
    assert answer.booking == booking


def test_a_vehicle_booked_now_at_another_bay_is_at_the_wrong_bay(booking):
    BayFactory(code="LEI-002", zone=booking.bay.zone)
    answer = check("VB123K", "LEI-002")
    assert answer.verdict == Verdict.WRONG_BAY
    assert answer.booking == booking


def test_a_vehicle_the_register_calls_diesel_in_a_zero_emission_window_is_refused(bay):
    # Booked while the register listed the plate as electric; the register now says diesel.
    registered = RegisteredVehicleFactory(plate="VD456L", fuels=["Elektriciteit"],
                                          zero_emission=True)
    van = VehicleFactory(plate="VD456L", zero_emission=True)
    booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                   start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))
    registered.fuels, registered.zero_emission = ["Diesel"], False
    registered.save()
    answer = check("VD456L", "LEI-001")
    assert answer.verdict == Verdict.NOT_ZERO_EMISSION
    assert answer.zero_emission == (False, "register_not_zero_emission")
    assert answer.registered.fuels == ["Diesel"]


def test_the_answer_takes_few_queries(booking, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        answer = check("VB123K", "LEI-001")
        assert answer.verdict == Verdict.ALLOWED
    with django_assert_max_num_queries(7):
        check("GV123B")


def test_an_officer_of_another_municipality_sees_nothing_here(booking):
    gouda = MunicipalityFactory(name="Gouda", slug="gouda", cbs_code="GM0513")
    assert check("VB123K", scope=Scope(gouda.pk)).verdict == Verdict.NOT_BOOKED
    assert check("VB123K", "LEI-001", scope=Scope(gouda.pk)).verdict == Verdict.UNKNOWN_BAY


# --- the API ------------------------------------------------------------------------------
def member(role, kind=Organisation.Kind.MUNICIPALITY, municipality=None):
    organisation = OrganisationFactory(kind=kind, municipality=municipality)
    return MembershipFactory(role=role, organisation=organisation).user


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_answers_an_enforcer(booking):
    client = api_as(member(Membership.Role.ENFORCER, municipality=booking.bay.zone.municipality))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/api/v1/enforcement/check", {"plate": "VB-123-K", "bay": "LEI-001"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "allowed" and body["booked_here_now"] is True
    assert body["booking"]["reference"] == booking.reference
    assert body["window"] == {"weekday": FRIDAY.weekday(), "start": "11:00", "end": "18:00",
                              "zero_emission_only": True, "for": "zone"}
    assert body["zero_emission"] == {"is_zero_emission": True,
                                     "reason": "register_zero_emission"}
    assert body["register"]["fuels"] == ["Elektriciteit"]


def test_the_api_refuses_a_shopkeeper_and_a_stranger(booking):
    shop = api_as(member(Membership.Role.MANAGER, kind=Organisation.Kind.SHOP))
    assert shop.get("/api/v1/enforcement/check", {"plate": "VB123K"}).status_code == 403
    assert APIClient().get("/api/v1/enforcement/check", {"plate": "VB123K"}).status_code in (
        401, 403)


def test_a_municipality_organisation_enforces_in_its_own_municipality_only():
    leiden = MunicipalityFactory()
    municipality_org = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                           municipality=leiden)
    assert enforcement_scope(organisation=municipality_org) == Scope(leiden.pk)
    with pytest.raises(NotAllowedToEnforce):
        enforcement_scope(organisation=OrganisationFactory(kind=Organisation.Kind.CARRIER))


def test_a_municipality_api_key_may_check_and_check_in(booking):
    municipality_org = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                           municipality=booking.bay.zone.municipality)
    _key, secret = api_key_create(organisation=municipality_org, name="handhaving")
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with time_machine.travel(NOW, tick=False):
        assert client.get("/api/v1/enforcement/check",
                          {"plate": "VB123K"}).json()["verdict"] == "allowed"
        response = client.post(f"/api/v1/enforcement/bookings/{booking.reference}/check-in")
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def test_the_officer_checks_in_under_the_same_window_as_everyone(booking):
    client = api_as(member(Membership.Role.ENFORCER))
    url = f"/api/v1/enforcement/bookings/{booking.reference}/check-in"
    with time_machine.travel(at(FRIDAY, "11:44"), tick=False):
        early = client.post(url)
    with time_machine.travel(at(FRIDAY, "12:30"), tick=False):
        late = client.post(url)
    assert (early.status_code, early.json()["code"]) == (409, "check_in_not_open")
    assert (late.status_code, late.json()["code"]) == (409, "check_in_closed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_api_marks_a_no_show_once_and_refuses_the_second_time(booking):
    client = api_as(member(Membership.Role.ENFORCER))
    with time_machine.travel(NOW, tick=False):
        first = client.post(f"/api/v1/enforcement/bookings/{booking.reference}/no-show")
        second = client.post(f"/api/v1/enforcement/bookings/{booking.reference}/no-show")
    assert first.status_code == 200 and first.json()["status"] == "no_show"
    assert second.status_code == 409 and second.json()["code"] == "invalid_state"
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["type"] == "urn:venster:problem:invalid_state"


# --- the page -----------------------------------------------------------------------------
def test_the_page_shows_the_answer_and_checks_in(client, booking):
    client.force_login(member(Membership.Role.ENFORCER))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("enforcement:page"), {"plate": "VB123K", "bay": "LEI-001"})
        assert page.status_code == 200
        assert booking.reference in page.content.decode()
        assert page.context["answer"].verdict == Verdict.ALLOWED
        done = client.post(reverse("enforcement:action", args=[booking.reference, "check-in"]),
                           {"plate": "VB123K", "bay": "LEI-001"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def test_the_page_is_closed_to_a_carrier(client, bay):
    client.force_login(member(Membership.Role.PLANNER, kind=Organisation.Kind.CARRIER))
    assert client.get(reverse("enforcement:page")).status_code == 403


def test_the_page_speaks_dutch_by_default(client, booking):
    client.force_login(member(Membership.Role.ENFORCER))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("enforcement:page"), {"plate": "VB123K"})
    text = page.content.decode()
    assert "Handhaving" in text and "Nu hier geboekt; toegestaan." in text
    assert "register: elektriciteit of waterstof" in text


@pytest.fixture
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_api_throttles_each_officer_and_each_key_on_its_own(booking, settings, empty_cache):
    settings.ENFORCEMENT_THROTTLE_RATE = "3/minute"
    municipality = booking.bay.zone.municipality
    officer = api_as(member(Membership.Role.ENFORCER, municipality=municipality))
    colleague = api_as(member(Membership.Role.ENFORCER, municipality=municipality))
    municipality_org = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                           municipality=municipality)
    _key, secret = api_key_create(organisation=municipality_org, name="handhaving")
    key_client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    with time_machine.travel(NOW, tick=False):
        statuses = [officer.get("/api/v1/enforcement/check", {"plate": f"VB12{n}K"}).status_code
                    for n in range(4)]
        refused = officer.post(f"/api/v1/enforcement/bookings/{booking.reference}/check-in")
        assert colleague.get("/api/v1/enforcement/check", {"plate": "VB123K"}).status_code == 200
        key_statuses = [key_client.get("/api/v1/enforcement/check",
                                       {"plate": "VB123K"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    booking.refresh_from_db()
    assert booking.status != Booking.Status.CHECKED_IN
    assert key_statuses == [200, 200, 200, 429]
