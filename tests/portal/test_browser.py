"""End to end in a real headless Chromium against a live server.

They skip when Debian's chromium is absent, unless VENSTER_REQUIRE_BROWSER=1
(as in CI), where a missing browser is a failure. No browser is downloaded.
"""

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from hubs.models import PickupRequest
from organisations.models import Organisation
from places import localtime
from tests.factories import BayFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop_world():
    shop = OrganisationFactory(name="Kaashandel Van Rijn", kind=Organisation.Kind.SHOP,
                               latitude=52.1582, longitude=4.4920, preferred_language="en")
    MembershipFactory(organisation=shop, user=UserFactory(username="kaas"))
    bay = BayFactory(code="BRS-1", latitude=52.1587, longitude=4.4924,
                     kerb_length_m=Decimal("8"), max_vehicles=1)
    return shop, bay


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test's own probes (wait_for_function) run; the pages keep their CSP.
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 780},
                                  bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.base = live_server.url
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def sign_in(page):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "kaas")
    page.fill("#id_password", "secret-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/")


def tomorrow() -> dt.date:
    return localtime.now().date() + dt.timedelta(days=1)


def test_a_shopkeeper_finds_a_slot_books_it_sees_it_and_cancels_it(page, shop_world):
    shop, bay = shop_world
    sign_in(page)
    page.click("nav.section >> text=Book a slot")
    page.fill("#id_day", tomorrow().isoformat())
    page.fill("#id_vehicle_length_m", "6")
    page.select_option("#id_duration", "30")
    page.click("text=Show free times")
    eight = localtime.wall_minute(tomorrow(), dt.time(8))
    slot = page.locator(f'button[name="slot"][value="{bay.pk}@{eight}"]')
    # A double click books once: the first click disables the grid, the token guards the rest.
    slot.dblclick()
    page.wait_for_url("**/portal/bookings/V*/")
    booking = Booking.objects.get(organisation=shop)
    assert Booking.objects.filter(organisation=shop).count() == 1
    assert page.locator(".reference").inner_text() == booking.reference
    assert page.locator("#booking-status").inner_text() == "Confirmed"
    assert page.locator(".qr svg").count() == 1

    page.click("nav.section >> text=My bookings")
    upcoming = page.locator("#upcoming")
    assert booking.reference in upcoming.inner_text()
    upcoming.locator(f"text={booking.reference}").click()
    page.click("#cancel-booking")
    # One click only asks; the booking stands until the question is answered.
    page.wait_for_selector("#confirm-action")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    page.click("#confirm-action")
    page.wait_for_selector("text=is cancelled")
    assert page.locator("#booking-status").inner_text() == "Cancelled"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    page.click("header.site >> text=Sign out")
    page.goto(page.base + "/portal/bookings/")
    assert "/accounts/login/" in page.url


def test_a_shopkeeper_requests_a_waste_pickup(page, shop_world):
    shop, _bay = shop_world
    sign_in(page)
    page.click("nav.section >> text=Waste pickups")
    page.select_option("#id_stream", "glass")
    page.fill("#id_volume_litres", "120")
    page.fill("#id_day", tomorrow().isoformat())
    page.fill("#id_window_start", "07:00")
    page.fill("#id_window_end", "10:00")
    page.click("#pickup-form button[type=submit]")
    page.wait_for_selector("text=Your pickup request is in.")
    assert "Glass" in page.locator("#pickups").inner_text()
    pickup = PickupRequest.objects.get(organisation=shop)
    assert (pickup.stream, pickup.volume_litres, pickup.day) == ("glass", 120, tomorrow())


def test_the_bay_map_page_lists_the_bays_even_without_map_tiles(page, shop_world):
    _shop, bay = shop_world
    # No network in the test: tiles fail, the list stays.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    sign_in(page)
    page.click("nav.section >> text=Bays nearby")
    assert bay.code in page.locator("#bay-list").inner_text()
    page.wait_for_function("document.getElementById('map-status').textContent.length > 0")


def test_every_page_fits_a_360_pixel_phone_without_sideways_scrolling(page, shop_world):
    shop, _bay = shop_world
    sign_in(page)
    page.click("nav.section >> text=Waste pickups")
    page.fill("#id_day", tomorrow().isoformat())
    page.click("#pickup-form button[type=submit]")
    page.wait_for_selector("#pickups")
    paths = ["/portal/", "/portal/pickups/", "/portal/requests/", "/portal/profile/",
             "/portal/bookings/", "/portal/map/", "/portal/api-keys/",
             f"/portal/book/?day={tomorrow().isoformat()}&vehicle_length_m=6&vehicle_mass_kg=3500&duration=30"]
    too_wide = {}
    for path in paths:
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}


def test_a_shopkeeper_sets_the_shops_point_on_the_map_and_saves_the_profile(page, shop_world):
    shop, _bay = shop_world
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    sign_in(page)
    page.click("nav.section >> text=Shop profile")
    before = page.input_value("#id_latitude")
    page.locator("#map").click(position={"x": 200, "y": 150})  # clear of the zoom buttons
    assert page.input_value("#id_latitude") != before
    page.fill("#id_hours_mon", "09:00-18:00")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Your shop's details are saved.")
    shop.refresh_from_db()
    assert f"{shop.latitude:.6f}" == page.input_value("#id_latitude")
    assert shop.opening_hours == {"mon": "09:00-18:00"}
