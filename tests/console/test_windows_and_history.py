import datetime as dt

import pytest
from django.urls import reverse

from console.selectors import week_grid
from console.services import ConsoleError, WindowSpec, windows_replace
from places.models import TimeWindow
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db


def formset_data(rows):
    data = {"w-TOTAL_FORMS": len(rows), "w-INITIAL_FORMS": 0}
    for index, (weekday, start, end, clean) in enumerate(rows):
        data.update({f"w-{index}-weekday": weekday, f"w-{index}-start": start,
                     f"w-{index}-end": end})
        if clean:
            data[f"w-{index}-zero_emission_only"] = "on"
    return data


MONDAY_ONLY = [(0, "07:00", "09:00", False), (0, "09:00", "12:00", True)]


def test_the_preview_shows_the_week_without_saving(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows", args=[leiden.zone.pk])
    page = client.post(url, {**formset_data(MONDAY_ONLY), "action": "preview"})
    monday, tuesday = page.context["preview"][:2]
    # Half-hour cells: 07:00 is cell 14, 09:00 cell 18, 12:00 cell 24.
    assert monday.cells[13:20] == ["closed", *["all"] * 4, "clean", "clean"]
    assert monday.cells[24] == "closed" and set(tuesday.cells) == {"closed"}
    assert leiden.zone.windows.count() == 14  # the factory's week, untouched


def test_saving_replaces_the_zone_windows_and_records_who_did_it(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows", args=[leiden.zone.pk])
    assert client.post(url, {**formset_data(MONDAY_ONLY), "action": "save"}).status_code == 302
    windows = list(leiden.zone.windows.values_list("weekday", "start", "end",
                                                   "zero_emission_only"))
    assert windows == [(0, dt.time(7), dt.time(9), False), (0, dt.time(9), dt.time(12), True)]
    by_admin = TimeWindow.history.filter(zone_id=leiden.zone.pk, history_user=leiden.admin)
    assert by_admin.filter(history_type="+").count() == 2
    assert by_admin.filter(history_type="-").count() == 14
    page = client.get(url)
    assert "beheer-leiden" in page.content.decode()


def test_overlapping_windows_are_refused_and_nothing_changes(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows", args=[leiden.zone.pk])
    rows = [(0, "07:00", "10:00", False), (0, "09:00", "12:00", True)]
    page = client.post(url, {**formset_data(rows), "action": "save"})
    assert page.status_code == 200
    assert leiden.zone.windows.count() == 14
    with pytest.raises(ConsoleError):
        windows_replace(zone=leiden.zone, windows=[WindowSpec(0, dt.time(9), dt.time(8))])


def test_a_bay_weekday_without_windows_of_its_own_shows_the_zone_windows():
    zone = [WindowSpec(day, dt.time(7), dt.time(11)) for day in range(7)]
    own = [WindowSpec(2, dt.time(6), dt.time(7), True)]
    grid = week_grid(own, zone)
    assert grid[2].inherited is False and grid[2].cells[12:14] == ["clean", "clean"]
    assert grid[2].cells[14] == "closed"
    assert grid[3].inherited is True and grid[3].cells[14] == "all"


def test_bay_windows_save_on_the_bay_only(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:bay_windows", args=[leiden.bay.pk])
    client.post(url, {**formset_data([(5, "06:00", "08:00", True)]), "action": "save"})
    assert list(leiden.bay.windows.values_list("weekday", flat=True)) == [5]
    assert leiden.zone.windows.count() == 14


def test_the_history_page_says_who_changed_what(client, leiden):
    client.force_login(leiden.admin)
    change = reverse("admin:places_loadingbay_change", args=[leiden.bay.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"street": "Nieuwe Rijn", "is_active": "on",
                 "windows-TOTAL_FORMS": 0, "windows-INITIAL_FORMS": 0,
                 "vehicle_limits-TOTAL_FORMS": 0, "vehicle_limits-INITIAL_FORMS": 0})
    assert client.post(change, data).status_code == 302
    page = client.get(reverse("console:history", args=["bay", leiden.bay.pk]))
    [changed, _created] = page.context["entries"]
    assert changed.who == leiden.admin
    assert ("Breestraat", "Nieuwe Rijn") in [(old, new) for _f, old, new in changed.changes]
    booking_page = client.get(reverse("console:history", args=["booking", leiden.booking.pk]))
    assert booking_page.status_code == 200


def test_the_history_of_a_removed_window_stays_visible_to_its_own_municipality(
    client, leiden, gouda
):
    removed = leiden.zone.windows.first()
    windows_replace(zone=leiden.zone, windows=[])
    url = reverse("console:history", args=["window", removed.pk])
    client.force_login(leiden.admin)
    page = client.get(url)
    assert page.status_code == 200 and page.context["entries"][0].kind == "-"
    client.force_login(gouda.admin)
    assert client.get(url).status_code == 404


def test_the_windows_page_saves_as_shown_without_touching_the_blank_rows(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows", args=[leiden.zone.pk])
    before = sorted(leiden.zone.windows.values_list("weekday", "start", "end"))
    data = form_with(client.get(url).content.decode(), "w-TOTAL_FORMS")
    assert int(data["w-TOTAL_FORMS"][0]) > len(before)  # blank rows to add windows in
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    assert sorted(leiden.zone.windows.values_list("weekday", "start", "end")) == before


def test_a_half_filled_row_is_still_refused(client, leiden):
    client.force_login(leiden.admin)
    url = reverse("console:zone_windows", args=[leiden.zone.pk])
    data = form_with(client.get(url).content.decode(), "w-TOTAL_FORMS")
    blank = int(data["w-TOTAL_FORMS"][0]) - 1
    data[f"w-{blank}-start"] = ["07:00"]
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 200
    assert response.context["formset"].forms[blank].errors
    assert leiden.zone.windows.count() == 14
