"""Booking requests for the batch allocation: submit, list, see the outcome, withdraw."""

import datetime as dt

import pytest

from bookings.models import BookingRequest
from bookings.requests import request_submit
from tests.conftest import FRIDAY, at

from .conftest import problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
REQUESTS = "/api/v1/requests/"
MONDAY = FRIDAY + dt.timedelta(days=3)


def body(bay, van, **changes):
    return {"zone": bay.zone.slug, "bays": [bay.pk], "vehicle": van.pk,
            "earliest_start": at(MONDAY, "07:00").isoformat(),
            "latest_end": at(MONDAY, "10:00").isoformat(), "duration_minutes": 30, **changes}


def test_a_request_is_submitted_listed_and_withdrawn(owner, colleague, bay, van):
    response = owner.post(REQUESTS, body(bay, van), format="json")
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert response.json()["status"] == "pending" and response.json()["day"] == "2026-03-30"
    assert [r["reference"] for r in colleague.get(REQUESTS).json()["results"]] == [reference]
    outcome = owner.get(f"{REQUESTS}{reference}/outcome/").json()
    assert outcome == {"reference": reference, "status": "pending", "booking": None,
                       "refusal_reason": "", "alternatives": []}
    withdrawn = owner.post(f"{REQUESTS}{reference}/withdraw/")
    assert withdrawn.json()["status"] == "withdrawn"
    assert owner.post(f"{REQUESTS}{reference}/withdraw/").status_code == 409


def test_a_request_after_the_cut_off_is_refused_with_its_code(owner, bay, van):
    late = body(bay, van, earliest_start=at(FRIDAY, "08:00").isoformat(),
                latest_end=at(FRIDAY, "10:00").isoformat())
    response = owner.post(REQUESTS, late, format="json")
    assert response.status_code == 422
    assert problem(response)["code"] == "after_cutoff"


def test_the_outcome_of_a_refused_request_shows_the_alternatives(owner, bay, van):
    request = request_submit(organisation=van.organisation, zone=bay.zone,
                             earliest_start=at(MONDAY, "07:00"), latest_end=at(MONDAY, "10:00"),
                             duration_minutes=30, bays=[bay], vehicle=van)
    BookingRequest.objects.filter(pk=request.pk).update(
        status="refused", refusal_reason="full", alternatives=[{"bay": bay.code}])
    outcome = owner.get(f"{REQUESTS}{request.reference}/outcome/").json()
    assert outcome["status"] == "refused" and outcome["alternatives"] == [{"bay": bay.code}]


@pytest.mark.parametrize("method, suffix", [("get", ""), ("get", "outcome/"),
                                            ("post", "withdraw/")])
def test_another_organisations_request_answers_404(stranger, anonymous, bay, van, method,
                                                   suffix):
    request = request_submit(organisation=van.organisation, zone=bay.zone,
                             earliest_start=at(MONDAY, "07:00"), latest_end=at(MONDAY, "10:00"),
                             duration_minutes=30, bays=[bay], vehicle=van)
    url = f"{REQUESTS}{request.reference}/{suffix}"
    assert getattr(stranger, method)(url).status_code == 404
    assert getattr(anonymous, method)(url).status_code in (401, 403)
    assert stranger.get(REQUESTS).json()["count"] == 0
    assert BookingRequest.objects.get().status == "pending"


def test_errors_inside_a_list_name_their_position(owner, bay, van):
    response = owner.post(REQUESTS, body(bay, van, bays=[bay.pk, 999999]), format="json")
    assert response.status_code == 400
    error = problem(response)["errors"][0]
    assert (error["field"], error["pointer"], error["code"]) == ("bays.1", "#/bays/1",
                                                                 "does_not_exist")
