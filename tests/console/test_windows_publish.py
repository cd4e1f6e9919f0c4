"""Publishing a zone's windows ahead: preview, publish, and each uncovered booker told once."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.services import booking_create
from console.services import ConsoleError, WindowSpec, windows_publish, windows_replace
from notifications.models import Notification
from places.models import TimeWindow
from places.selectors import windows_in_force
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

from .test_windows_and_history import formset_data

pytestmark = pytest.mark.django_db
NEXT_MONDAY = FRIDAY + dt.timedelta(days=3)
# From next Monday: mornings 06:00-09:00 for all, nothing zero-emission only.
MORNINGS = [WindowSpec(day, dt.time(6), dt.time(9)) for day in range(7)]
MORNING_ROWS = [(day, "06:00", "09:00", False) for day in range(7)]


def book(bay, day, start, end, language="nl", **vehicle):
    vehicle = VehicleFactory(**vehicle)
    vehicle.organisation.preferred_language = language
    vehicle.organisation.save()
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(day, start), end=at(day, end))


@pytest.fixture
def bookings(leiden):
    """Before the change, inside and outside the new windows, and at a bay of its own."""
    own = BayFactory(zone=leiden.zone, code="LE-OWN")
    TimeWindow.objects.create(bay=own, weekday=NEXT_MONDAY.weekday(), start=dt.time(10),
                              end=dt.time(12))
    return {
        "before": book(leiden.bay, FRIDAY + dt.timedelta(days=2), "10:00", "10:30"),
        "covered": book(leiden.bay, NEXT_MONDAY, "08:00", "08:30"),
        "uncovered_nl": book(leiden.bay, NEXT_MONDAY, "10:00", "10:30", language="nl"),
        "uncovered_en": book(leiden.bay, NEXT_MONDAY, "08:30", "09:30", language="en"),
        "clean_hours": book(leiden.bay, NEXT_MONDAY, "12:00", "12:30", zero_emission=True,
                            category="cargo_bike", plate=""),
        "own_bay": book(own, NEXT_MONDAY, "10:00", "10:30"),
    }


def test_publishing_ends_the_current_version_the_day_before_and_starts_the_new(leiden):
    published = windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY, windows=MORNINGS)
    assert len(published.windows) == 7
    old = TimeWindow.objects.filter(zone=leiden.zone, valid_from__isnull=True)
    assert old.count() == 14 and set(old.values_list("valid_until", flat=True)) == {NEXT_MONDAY}
    sunday = windows_in_force([leiden.bay], NEXT_MONDAY - dt.timedelta(days=1))[leiden.bay.pk]
    monday = windows_in_force([leiden.bay], NEXT_MONDAY)[leiden.bay.pk]
    assert [(w.start, w.end) for w in sunday] == [(dt.time(7), dt.time(11)),
                                                  (dt.time(11), dt.time(18))]
    assert [(w.start, w.end) for w in monday] == [(dt.time(6), dt.time(9))]


def test_publishing_again_from_the_same_or_an_earlier_day_replaces_what_was_ahead(leiden):
    windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY + dt.timedelta(days=7),
                    windows=MORNINGS)
    windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY, windows=MORNINGS[:1])
    ahead = TimeWindow.objects.filter(zone=leiden.zone, valid_from__isnull=False)
    assert list(ahead.values_list("valid_from", "valid_until")) == [(NEXT_MONDAY, None)]


def test_a_version_must_start_after_today_and_changes_nothing_otherwise(leiden):
    before = list(TimeWindow.objects.values_list("pk", "valid_from", "valid_until"))
    for day in (FRIDAY, FRIDAY - dt.timedelta(days=1)):
        with pytest.raises(ConsoleError):
            windows_publish(zone=leiden.zone, valid_from=day, windows=MORNINGS)
    with pytest.raises(ConsoleError):
        windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY,
                        windows=[WindowSpec(0, dt.time(9), dt.time(8))])
    assert list(TimeWindow.objects.values_list("pk", "valid_from", "valid_until")) == before


def test_the_bookers_of_uncovered_bookings_are_told_once_in_their_language(leiden, bookings):
    published = windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY, windows=MORNINGS)
    told = {n.payload["booking"]["reference"]: n for n in
            Notification.objects.filter(kind=Notification.Kind.WINDOWS_CHANGED)}
    expected = {bookings[k].reference for k in ("uncovered_nl", "uncovered_en", "clean_hours")}
    assert set(told) == expected
    assert {b.reference for b in published.uncovered} == expected
    assert len(published.notifications) == 3
    assert Notification.objects.filter(kind=Notification.Kind.WINDOWS_CHANGED).count() == 3
    assert told[bookings["uncovered_en"].reference].title.startswith("New windows in")
    assert told[bookings["uncovered_nl"].reference].title.startswith("Nieuwe venstertijden")
    assert told[bookings["uncovered_nl"].reference].organisation == (
        bookings["uncovered_nl"].organisation)


def test_the_console_previews_then_publishes_and_notifies_once(client, leiden, bookings):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows_next", args=[leiden.zone.pk])
    assert client.get(url).status_code == 200
    form = {**formset_data(MORNING_ROWS), "valid_from": NEXT_MONDAY.isoformat()}
    preview = client.post(url, {**form, "action": "preview"})
    assert preview.status_code == 200
    assert {b.reference for b in preview.context["uncovered"]} == {
        bookings[k].reference for k in ("uncovered_nl", "uncovered_en", "clean_hours")}
    assert not TimeWindow.objects.filter(valid_from__isnull=False).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.WINDOWS_CHANGED).exists()
    published = client.post(url, {**form, "action": "publish"})
    assert published.status_code == 302
    assert TimeWindow.objects.filter(zone=leiden.zone, valid_from=NEXT_MONDAY).count() == 7
    assert Notification.objects.filter(kind=Notification.Kind.WINDOWS_CHANGED).count() == 3
    page = client.get(reverse("console:zone_windows", args=[leiden.zone.pk])).content.decode()
    assert NEXT_MONDAY.strftime("%d-%m-%Y") in page
    assert reverse("places:zone_rules", args=[leiden.zone.slug]) in page


def test_a_past_day_in_the_console_form_is_refused_without_changes(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows_next", args=[leiden.zone.pk])
    form = {**formset_data(MORNING_ROWS), "valid_from": FRIDAY.isoformat(), "action": "publish"}
    page = client.post(url, form)
    assert page.status_code == 200
    assert "na vandaag ingaan" in page.content.decode()
    assert not TimeWindow.objects.filter(valid_from__isnull=False).exists()


def test_another_municipalitys_zone_cannot_be_published(client, leiden, gouda):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows_next", args=[gouda.zone.pk])
    form = {**formset_data(MORNING_ROWS), "valid_from": NEXT_MONDAY.isoformat(),
            "action": "publish"}
    assert client.post(url, form).status_code == 404
    assert not TimeWindow.objects.filter(valid_from__isnull=False).exists()


def test_saving_todays_windows_keeps_the_version_published_ahead(leiden):
    windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY, windows=MORNINGS)
    windows_replace(zone=leiden.zone, windows=[WindowSpec(0, dt.time(7), dt.time(8))])
    current = TimeWindow.objects.filter(zone=leiden.zone).in_force_on(FRIDAY)
    assert list(current.values_list("start", "valid_until")) == [(dt.time(7), NEXT_MONDAY)]
    assert TimeWindow.objects.filter(zone=leiden.zone, valid_from=NEXT_MONDAY).count() == 7


def test_the_whatif_starts_from_a_version_published_ahead(client, leiden):
    windows_publish(zone=leiden.zone, valid_from=NEXT_MONDAY, windows=MORNINGS)
    client.force_login(leiden.admin)
    url = reverse("console:whatif", args=[leiden.zone.pk])
    page = client.get(url, {"version": NEXT_MONDAY.isoformat()})
    starts = [f.initial["start"] for f in page.context["formset"].forms if f.initial]
    assert starts == [dt.time(6)] * 7
    replay = client.post(url, {**formset_data(MORNING_ROWS), "weeks": 1})
    assert replay.status_code == 200 and replay.context["report"] is not None
    assert client.get(url, {"version": "not-a-day"}).status_code == 400
