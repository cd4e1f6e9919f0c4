"""Each role's landing, and the grid and the map list by keyboard alone, in Chromium."""

from __future__ import annotations

import pytest

from bookings.models import Booking
from places import demo, localtime

from .test_walk import sign_in
from .walk import route_tiles_here

pytestmark = [pytest.mark.browser]

# Where each demo role lands after signing in, and a link its header must (not) show.
HOMES = {
    "winkel": ("/portal/", "My shop"),
    "vervoerder": ("/portal/", "My company"),
    "inzamelaar": ("/hubs/routes/", "Run sheets"),
    "gemeente": ("/console/", "Console"),
    "beheer-gouda": ("/console/", "Console"),
    "handhaver": ("/enforcement/", "Enforcement"),
}


def english_page(browser, live_server, width=1280):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context.new_page()


def test_each_role_lands_on_its_own_home_and_sees_only_its_own_navigation(
    browser, live_server, world
):
    for username, (home, header_link) in HOMES.items():
        page = english_page(browser, live_server)
        sign_in(page, live_server.url, username)
        assert page.url == live_server.url + home, username
        page.context.add_cookies([{"name": "django_language", "value": "en",
                                   "url": live_server.url}])
        page.goto(live_server.url + "/")
        header = page.locator("header.site nav").inner_text()
        assert header_link in header, (username, header)
        if username not in ("winkel", "vervoerder"):
            assert "My shop" not in header and "Shop profile" not in page.content(), username
            # Typing a portal address leads home too: the portal has nothing for them.
            page.goto(live_server.url + "/portal/")
            assert page.url == live_server.url + home, username
        page.goto(live_server.url + "/")
        # The front page's button leads home (a shop's buttons book and order pickups).
        page.locator("main .actions a.button").first.click()
        if username != "winkel":
            assert page.url == live_server.url + home, username
        page.context.close()


def test_the_front_page_links_the_console_not_the_admin(browser, live_server, world):
    page = english_page(browser, live_server)
    page.goto(live_server.url + "/")
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)")
    assert "/console/" in hrefs and "/admin/" not in hrefs
    page.context.close()


def press_tab_until(page, selector: str, limit: int = 120):
    """Tab through the page until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.evaluate_handle("document.activeElement")
    pytest.fail(f"Tab never reached {selector}")


def has_visible_focus(page) -> bool:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.backgroundColor]; })()")
    return style[0] != "none" and style[1] != "0px"


def test_a_slot_in_the_grid_is_booked_with_the_keyboard_alone(browser, live_server, world):
    page = english_page(browser, live_server, width=360)
    sign_in(page, live_server.url, "winkel")
    day = demo.demo_day(localtime.now().date()).isoformat()
    page.goto(f"{live_server.url}/portal/book/?day={day}&vehicle_length_m=6&vehicle_mass_kg=3500&duration=30")
    press_tab_until(page, 'button[name="slot"]')
    assert has_visible_focus(page)
    before = Booking.objects.filter(organisation__slug="boekhandel-de-kier").count()
    page.keyboard.press("Space")
    page.wait_for_url("**/portal/bookings/V*/")
    assert Booking.objects.filter(organisation__slug="boekhandel-de-kier").count() == before + 1
    page.context.close()


def test_a_bay_of_the_map_list_is_shown_on_the_map_with_the_keyboard_alone(
    browser, live_server, world
):
    page = english_page(browser, live_server, width=360)
    # Blank tiles, not failures: a failed tile would overwrite the status line the test reads.
    route_tiles_here(page.context)
    sign_in(page, live_server.url, "winkel")
    page.goto(live_server.url + "/portal/map/")
    button = press_tab_until(page, "button.show-bay")
    code = button.inner_text()
    assert has_visible_focus(page)
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    assert code in page.locator(".leaflet-popup-content").inner_text()
    assert code in page.locator("#map-status").inner_text()
    page.context.close()
