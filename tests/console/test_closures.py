import datetime as dt
import re
import sys
import types

import pytest
from django.urls import reverse

from bookings.services import booking_create
from notifications.models import Notification
from places.models import Closure
from places.services import closure_announce, closure_hits
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def book(bay, start, end, **vehicle):
    vehicle = VehicleFactory(**vehicle)
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(FRIDAY, start), end=at(FRIDAY, end))


def market(**where):
    return Closure.objects.create(**where, reason="market", description="Markt",
                                  start_date=FRIDAY, end_date=FRIDAY,
                                  start_time=dt.time(8), end_time=dt.time(9))


@pytest.fixture
def webhook_calls(monkeypatch):
    """Stand in for the webhooks app, so the test sees what would be published."""
    calls = []
    module = types.ModuleType("webhooks.services")
    module.publish_event = lambda organisation, event, payload: calls.append(
        (organisation, event, payload))
    monkeypatch.setitem(sys.modules, "webhooks", types.ModuleType("webhooks"))
    monkeypatch.setitem(sys.modules, "webhooks.services", module)
    return calls


def test_a_closure_notifies_the_bookings_it_hits_exactly_once(leiden, webhook_calls):
    hit = book(leiden.bay, "08:30", "09:00")
    book(leiden.bay, "09:00", "09:30")  # starts when the market ends: not hit
    neighbour = BayFactory(zone=leiden.zone, code="LE-002", latitude=52.1581)
    closure = market(bay=leiden.bay)

    assert {b.pk for b in closure_hits(closure)} == {leiden.booking.pk, hit.pk}
    webhook_calls.clear()  # the bookings' own booking.confirmed events
    first = closure_announce(closure)
    second = closure_announce(closure)

    assert len(first) == 2 and second == []
    assert Notification.objects.filter(kind="closure.announced").count() == 2
    closure.refresh_from_db()
    assert closure.announced_at is not None
    notice = Notification.objects.get(organisation=hit.organisation, kind="closure.announced")
    assert notice.payload["reference"] == hit.reference
    assert notice.payload["affected_reason"] == "bay_closed"
    alternatives = notice.payload["alternatives"]
    assert alternatives[0]["bay"] == neighbour.code
    assert alternatives[0]["start"] == at(FRIDAY, "08:30").isoformat()
    assert all(a["bay"] != leiden.bay.code or a["start"] >= at(FRIDAY, "09:00").isoformat()
               for a in alternatives)
    assert [event for _org, event, _payload in webhook_calls] == ["booking.affected"] * 2


def test_a_zone_closure_hits_every_bay_of_the_zone_but_not_other_towns(leiden, gouda):
    other_bay = BayFactory(zone=leiden.zone, code="LE-009")
    elsewhere = book(other_bay, "08:45", "09:15")
    closure = market(zone=leiden.zone)
    hits = closure_hits(closure)
    assert {b.pk for b in hits} == {leiden.booking.pk, elsewhere.pk}


def test_a_closure_on_other_weekdays_hits_nothing(leiden):
    closure = Closure(bay=leiden.bay, reason="market", start_date=FRIDAY,
                      end_date=FRIDAY + dt.timedelta(days=7), weekdays=[2])
    assert closure_hits(closure) == []


def test_the_console_shows_the_hit_bookings_before_confirming_and_notifies_once(client, leiden):
    client.force_login(leiden.admin)
    form = {"bay": leiden.bay.pk, "reason": "roadworks", "description": "Riolering",
            "start_date": FRIDAY.isoformat(), "end_date": FRIDAY.isoformat(),
            "start_time": "07:00", "end_time": "12:00"}
    preview = client.post(reverse("console:closure_new"), {**form, "action": "preview"})
    assert preview.status_code == 200
    assert [b.pk for b in preview.context["hits"]] == [leiden.booking.pk]
    assert leiden.booking.reference in preview.content.decode()
    assert not Closure.objects.exists() and not Notification.objects.exists()

    confirmed = client.post(reverse("console:closure_new"), {**form, "action": "confirm"})
    closure = Closure.objects.get()
    assert confirmed.status_code == 302
    assert Notification.objects.count() == 1

    client.post(reverse("console:closure_announce", args=[closure.pk]))
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"end_time": ""}, "Geef beide tijden, of geen voor de hele dag."),
    ({"start_time": "10:00"}, "Een afsluiting moet eindigen nadat ze begint."),
    ({"end_date": (FRIDAY - dt.timedelta(days=1)).isoformat()}, "De laatste dag"),
    ({"zone": "zone"}, "Sluit een hele zone of één laadplek af: kies een van beide."),
])
def test_the_closure_form_explains_every_refusal_in_a_sentence(client, leiden, changes, message):
    client.force_login(leiden.admin)
    client.cookies["django_language"] = "nl"
    form = {"bay": leiden.bay.pk, "reason": "market", "description": "Markt",
            "start_date": FRIDAY.isoformat(), "end_date": FRIDAY.isoformat(),
            "start_time": "08:00", "end_time": "09:00", "action": "preview", **changes}
    if form.get("zone") == "zone":
        form["zone"] = leiden.zone.pk
    page = client.post(reverse("console:closure_new"), form).content.decode()
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert errors and message in page
    assert "Beperking" not in page and "geschonden" not in page
    assert not Closure.objects.exists()


def test_a_bookings_title_shows_amsterdam_time(leiden):
    from bookings.models import Booking

    stored = Booking.objects.get(pk=leiden.booking.pk)  # read back from the database, in UTC
    assert str(stored).endswith(f"{FRIDAY.isoformat()} 08:00")
