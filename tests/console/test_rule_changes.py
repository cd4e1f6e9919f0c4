"""Rule changes reach the booker: every path that changes windows or closes a bay marks the
bookings it hits, tells each booker once in their language, and writes one booking.affected."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_cancel, booking_reschedule
from notifications.models import Notification
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory
from tests.html_forms import form_with
from webhooks.models import WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db
FRIDAY_WEEKDAY = FRIDAY.weekday()
BOUNDARY = ('{"type": "Polygon", "coordinates": [[[4.48, 52.15], [4.50, 52.15], [4.50, 52.17], '
            '[4.48, 52.15]]]}')


@pytest.fixture
def booker(leiden, settings):
    """The Leiden booking's organisation reads Dutch and listens to webhooks."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    organisation = leiden.booking.organisation
    organisation.preferred_language = "nl"
    organisation.save()
    endpoint_create(organisation=organisation, url="http://127.0.0.1:9/hook")
    return organisation


@pytest.fixture
def neighbour(leiden):
    return BayFactory(zone=leiden.zone, code="LE-002", latitude=52.1581)


def told(booker):
    return (Notification.objects.filter(organisation=booker).count(),
            WebhookEvent.objects.filter(organisation=booker, event_type="booking.affected").count())


def bay_friday_rows(start, end):
    """The bay's own windows: Friday only, from start to end."""
    return {"w-TOTAL_FORMS": 1, "w-INITIAL_FORMS": 0, "w-0-weekday": FRIDAY_WEEKDAY,
            "w-0-start": start, "w-0-end": end}


def assert_marked_once(booking, booker, reason):
    booking.refresh_from_db()
    assert booking.affected_reason == reason
    assert booking.affected_at is not None
    assert told(booker) == (1, 1)
    event = WebhookEvent.objects.get(event_type="booking.affected")
    assert event.payload["reference"] == booking.reference
    assert event.payload["affected_reason"] == reason
    return booking


def test_console_windows_preview_lists_the_uncovered_bookings_and_save_tells_them_once(
        client, leiden, booker, neighbour):
    client.force_login(leiden.admin)
    url = reverse("console:bay_windows", args=[leiden.bay.pk])
    preview = client.post(url, {**bay_friday_rows("09:00", "11:00"), "action": "preview"})
    assert [b.pk for b in preview.context["hits"]] == [leiden.booking.pk]
    assert leiden.booking.reference in preview.content.decode()
    assert told(booker) == (0, 0) and not leiden.bay.windows.exists()  # nothing saved

    saved = client.post(url, {**bay_friday_rows("09:00", "11:00"), "action": "save"})
    assert saved.status_code == 302
    booking = assert_marked_once(leiden.booking, booker, "window_changed")
    notice = Notification.objects.get(organisation=booker)
    assert notice.kind == "booking.affected"
    assert "venstertijden" in notice.title  # in the booker's own language
    # alternatives from the existing selector: the neighbour at the same time comes first
    first = booking.affected_alternatives[0]
    assert (first["bay_id"], first["start"]) == (neighbour.pk, at(FRIDAY, "08:00").isoformat())
    assert len(booking.affected_alternatives) <= 3

    again = client.post(url, {**bay_friday_rows("09:00", "11:00"), "action": "save"})
    assert again.status_code == 302
    assert told(booker) == (1, 1)  # the same windows saved again tell nobody twice


def test_windows_that_still_cover_the_booking_mark_nothing(client, leiden, booker):
    client.force_login(leiden.admin)
    url = reverse("console:bay_windows", args=[leiden.bay.pk])
    client.post(url, {**bay_friday_rows("07:30", "10:00"), "action": "save"})
    leiden.booking.refresh_from_db()
    assert leiden.booking.affected_at is None and told(booker) == (0, 0)


def closure_form(bay):
    return {"bay": bay.pk, "reason": "roadworks", "description": "Riolering",
            "start_date": FRIDAY.isoformat(), "end_date": FRIDAY.isoformat(),
            "start_time": "07:00", "end_time": "12:00"}


def test_console_closure_marks_the_booking_bay_closed_and_tells_once(client, leiden, booker,
                                                                      neighbour):
    client.force_login(leiden.admin)
    form = closure_form(leiden.bay)
    client.post(reverse("console:closure_new"), {**form, "action": "confirm"})
    booking = assert_marked_once(leiden.booking, booker, "bay_closed")
    assert booking.affected_alternatives[0]["bay"] == neighbour.code
    assert Notification.objects.get(organisation=booker).kind == "closure.announced"
    closure = Closure.objects.get()
    client.post(reverse("console:closure_announce", args=[closure.pk]))
    assert told(booker) == (1, 1)


def test_a_closure_made_in_the_admin_is_announced_like_one_from_the_console(
        client, leiden, booker):
    client.force_login(leiden.admin)
    add = reverse("admin:places_closure_add")
    data = form_with(client.get(add).content.decode(), "reason")
    data.update({key: [str(value)] for key, value in closure_form(leiden.bay).items()})
    data.update({"weekdays": ["[]"], "zone": [""]})
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = Closure.objects.get()
    assert closure.announced_at is not None
    assert_marked_once(leiden.booking, booker, "bay_closed")

    change = reverse("admin:places_closure_change", args=[closure.pk])
    data = form_with(client.get(change).content.decode(), "reason")
    data["description"] = ["Riolering, uitgelopen"]
    assert client.post(change, data).status_code == 302
    assert told(booker) == (1, 1)  # saving it again tells nobody twice


def admin_errors(response):
    context = response.context
    return (context["adminform"].form.errors,
            [formset.formset.errors for formset in context["inline_admin_formsets"]])


def test_windows_edited_in_the_admins_zone_inline_are_announced(client, leiden, booker):
    client.force_login(leiden.admin)
    change = reverse("admin:places_zone_change", args=[leiden.zone.pk])
    data = form_with(client.get(change).content.decode(), "windows-TOTAL_FORMS")
    data["boundary"] = [BOUNDARY]
    total = int(data["windows-TOTAL_FORMS"][0])
    removed = 0
    for index in range(total):
        if data.get(f"windows-{index}-weekday") == [str(FRIDAY_WEEKDAY)]:
            data[f"windows-{index}-DELETE"] = ["on"]
            removed += 1
    assert removed == 2
    response = client.post(change, data)
    assert response.status_code == 302, admin_errors(response)
    assert not leiden.zone.windows.filter(weekday=FRIDAY_WEEKDAY).exists()
    assert_marked_once(leiden.booking, booker, "window_changed")

    data = form_with(client.get(change).content.decode(), "windows-TOTAL_FORMS")
    assert client.post(change, data).status_code == 302
    assert told(booker) == (1, 1)


def test_moving_or_cancelling_clears_the_mark(client, leiden, booker, neighbour):
    client.force_login(leiden.admin)
    client.post(reverse("console:closure_new"),
                {**closure_form(leiden.bay), "action": "confirm"})
    booking = Booking.objects.get(pk=leiden.booking.pk)
    assert booking.is_affected
    moved = booking_reschedule(booking=booking, start=at(FRIDAY, "08:00"),
                               end=at(FRIDAY, "08:30"), bay=neighbour)
    moved.refresh_from_db()
    assert (moved.affected_at, moved.affected_reason, moved.affected_alternatives) == (
        None, "", [])
    Booking.objects.filter(pk=moved.pk).update(affected_at=at(FRIDAY, "06:00"),
                                               affected_reason="bay_closed")
    cancelled = booking_cancel(booking=Booking.objects.get(pk=moved.pk))
    cancelled.refresh_from_db()
    assert cancelled.affected_at is None and cancelled.affected_reason == ""


def test_the_officer_sees_that_the_booking_is_affected(client, leiden, booker):
    client.force_login(leiden.admin)
    client.post(reverse("console:closure_new"),
                {**closure_form(leiden.bay), "action": "confirm"})
    plate = Booking.objects.get(pk=leiden.booking.pk).plate
    page = client.get(reverse("enforcement:page"), {"plate": plate})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="booking-affected"' in html
    assert str(Booking.AffectedReason.BAY_CLOSED.label) in html or "afgesloten" in html


def test_a_booking_already_over_is_not_told(client, leiden, booker, time_machine):
    time_machine.move_to(at(FRIDAY, "09:00"), tick=False)
    closure = Closure(bay=leiden.bay, reason="market", start_date=FRIDAY, end_date=FRIDAY,
                      start_time=dt.time(7), end_time=dt.time(12))
    from bookings.affected import closure_save

    closure_save(closure)
    assert told(booker) == (0, 0)
