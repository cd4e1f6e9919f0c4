"""Idempotency-Key: a retry replays the first answer; sixteen racing retries book once."""

from collections import Counter

import pytest

from api.models import IdempotencyKey
from bookings.models import Booking
from places import localtime
from tests.races import race

from .conftest import booking_body, key_client, problem

BOOKINGS = "/api/v1/bookings/"
RACERS = 16


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
def test_a_retry_with_the_same_key_replays_the_first_booking(owner, bay, van):
    first = owner.post(BOOKINGS, booking_body(bay, van), format="json",
                       HTTP_IDEMPOTENCY_KEY="order-4711")
    again = owner.post(BOOKINGS, booking_body(bay, van), format="json",
                       HTTP_IDEMPOTENCY_KEY="order-4711")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
def test_the_same_key_with_another_body_is_refused_with_422(owner, bay, van):
    owner.post(BOOKINGS, booking_body(bay, van), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    other = owner.post(BOOKINGS, booking_body(bay, van, "09:00", "09:30"), format="json",
                       HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 422
    assert problem(other)["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
def test_keys_belong_to_one_organisation(owner, stranger, bay, van):
    owner.post(BOOKINGS, booking_body(bay, van), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = stranger.post(BOOKINGS, booking_body(bay, van), format="json",
                           HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 400  # their own request: our vehicle is not theirs
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_now")
def test_a_refused_request_is_not_stored_and_may_be_retried(owner, bay, van):
    late = booking_body(bay, van, "05:00", "05:30")
    assert owner.post(BOOKINGS, late, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 422
    assert IdempotencyKey.objects.get(key="k2").status_code is None


@pytest.mark.django_db
def test_a_key_expires_after_24_hours(owner, bay, van, time_machine):
    from tests.conftest import NOW

    time_machine.move_to(NOW, tick=False)
    owner.post(BOOKINGS, booking_body(bay, van), format="json", HTTP_IDEMPOTENCY_KEY="day")
    time_machine.move_to(localtime.later(NOW, 25 * 60), tick=False)
    from api.idempotency import purge_expired

    assert purge_expired() == 1


@pytest.mark.django_db
def test_an_unprintable_key_is_refused(owner):
    response = owner.post(BOOKINGS, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_posts_with_one_key_create_one_booking(carrier, bay, van):
    """Each racer is a thread with its own connection, released together by a barrier."""
    import datetime as dt

    from tests.conftest import at

    day = localtime.now().date() + dt.timedelta(days=2)
    body = booking_body(bay, van, "08:00", "08:30", day=day)
    body["start"], body["end"] = at(day, "08:00").isoformat(), at(day, "08:30").isoformat()
    clients = [key_client(carrier) for _ in range(RACERS)]

    def post(number):
        response = clients[number].post(BOOKINGS, body, format="json",
                                         HTTP_IDEMPOTENCY_KEY="race-1")
        return response.status_code, response.json().get("reference")

    outcomes = race(RACERS, post)
    assert Booking.objects.count() == 1
    reference = Booking.objects.get().reference
    assert outcomes == Counter({(201, reference): RACERS})
