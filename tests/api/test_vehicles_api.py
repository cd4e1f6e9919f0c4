"""A carrier lists, adds and edits its own vehicles; another's vehicle answers 404."""

import pytest

from organisations.models import Vehicle
from tests.factories import VehicleFactory

from .conftest import problem

pytestmark = pytest.mark.django_db
VEHICLES = "/api/v1/vehicles/"


def test_a_carrier_lists_only_its_own_vehicles(owner, colleague, stranger, van):
    VehicleFactory(organisation=stranger.organisation)
    assert [v["id"] for v in owner.get(VEHICLES).json()["results"]] == [van.pk]
    assert [v["id"] for v in colleague.get(VEHICLES).json()["results"]] == [van.pk]


def test_a_vehicle_is_added_with_a_normalised_plate(owner):
    response = owner.post(VEHICLES, {"plate": "vx-123-b", "category": "van", "length_m": "6.5",
                                     "zero_emission": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["plate"] == "VX123B"
    assert response.json()["display_plate"] == "VX-123-B"
    assert Vehicle.objects.get().organisation == owner.organisation


def test_a_bad_plate_or_one_the_organisation_already_has_is_a_field_error(owner, van):
    bad = owner.post(VEHICLES, {"plate": "123", "category": "van", "length_m": "6"},
                     format="json")
    assert problem(bad)["errors"][0]["code"] == "invalid_plate"
    again = owner.post(VEHICLES, {"plate": van.display_plate, "category": "van",
                                  "length_m": "6"}, format="json")
    assert problem(again)["errors"][0]["code"] == "plate_taken"
    no_plate = owner.post(VEHICLES, {"category": "van", "length_m": "6"}, format="json")
    assert problem(no_plate)["errors"][0]["field"] == "plate"
    bike = owner.post(VEHICLES, {"category": "cargo_bike", "length_m": "2.5"}, format="json")
    assert bike.status_code == 201


def test_a_plate_another_organisation_drives_is_registered_as_any_new_plate(owner, stranger):
    """A hired van is registered by every carrier that drives it; the answer says nothing of
    the others, so nobody learns who holds which plate by trying."""
    theirs = VehicleFactory(organisation=stranger.organisation, plate="GV123B")
    fresh = owner.post(VEHICLES, {"plate": "GX-456-B", "category": "van", "length_m": "6"},
                       format="json")
    shared = owner.post(VEHICLES, {"plate": "GV-123-B", "category": "van", "length_m": "6"},
                        format="json")
    assert (shared.status_code, fresh.status_code) == (201, 201)
    assert set(shared.json()) == set(fresh.json())
    mine = Vehicle.objects.get(pk=shared.json()["id"])
    assert (mine.organisation, mine.plate) == (owner.organisation, "GV123B")
    theirs.refresh_from_db()
    assert theirs.organisation == stranger.organisation
    renamed = owner.patch(f"{VEHICLES}{fresh.json()['id']}/", {"plate": "GV-123-B"},
                          format="json")
    assert problem(renamed)["errors"][0]["code"] == "plate_taken"  # by the owner's own van


def test_a_vehicle_is_updated_by_its_owner_only(owner, colleague, stranger, anonymous, van):
    url = f"{VEHICLES}{van.pk}/"
    assert owner.patch(url, {"name": "Bus 7"}, format="json").json()["name"] == "Bus 7"
    assert colleague.patch(url, {"is_active": False}, format="json").status_code == 200
    assert stranger.patch(url, {"name": "Mine"}, format="json").status_code == 404
    assert stranger.get(url).status_code == 404
    assert stranger.put(url, {"category": "van", "length_m": "6", "plate": van.plate},
                        format="json").status_code == 404
    assert anonymous.get(url).status_code in (401, 403)
    van.refresh_from_db()
    assert van.name == "Bus 7"
