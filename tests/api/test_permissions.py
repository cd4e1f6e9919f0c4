"""Every endpoint: anonymous callers are refused; the owner's key and a colleague's session
see the same organisation's data; a stranger sees none of it."""

import pytest

from bookings.services import booking_create
from tests.conftest import FRIDAY, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

LISTS = ["/api/v1/bookings/", "/api/v1/requests/", "/api/v1/waitlist/", "/api/v1/vehicles/",
         "/api/v1/webhooks/endpoints/", "/api/v1/webhooks/deliveries/"]
SHARED = ["/api/v1/zones/", "/api/v1/bays/", "/api/v1/zones/geojson/", "/api/v1/bays/geojson/"]
POSTS = ["/api/v1/bookings/", "/api/v1/requests/", "/api/v1/waitlist/", "/api/v1/vehicles/",
         "/api/v1/webhooks/endpoints/"]


@pytest.mark.parametrize("url", [*LISTS, *SHARED, "/api/v1/availability/",
                                 "/api/v1/availability/nearest/"])
def test_anonymous_callers_get_nothing(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("url", POSTS)
def test_anonymous_callers_change_nothing(anonymous, url):
    assert anonymous.post(url, {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize("url", LISTS)
def test_owner_and_colleague_see_the_same_rows_and_a_stranger_none(owner, colleague, stranger,
                                                                   bay, van, url):
    booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                   start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    mine = owner.get(url).json()
    assert colleague.get(url).json() == mine
    assert stranger.get(url).json()["count"] == 0


def test_a_signed_in_person_without_an_organisation_is_refused(anonymous, django_user_model):
    user = django_user_model.objects.create_user("los", password="x-secret-123")
    anonymous.force_login(user)
    assert anonymous.get("/api/v1/bookings/").status_code == 403


@pytest.mark.parametrize("url", [*LISTS, *SHARED])
def test_the_browsable_api_renders_for_a_signed_in_colleague(colleague, url):
    response = colleague.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
