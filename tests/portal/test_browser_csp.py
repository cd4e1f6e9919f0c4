"""Pages work in a real Chromium under the site's real Content-Security-Policy.

The other browser tests let their own probes run past the policy (bypass_csp); here the
policy is enforced as for every visitor, and any violation Chromium reports fails the test.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest

from bookings.services import booking_create
from places import localtime
from tests.portal.test_browser import (  # noqa: F401
    shop_world,
    sign_in,
    tomorrow,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_page(browser, live_server):  # noqa: F811
    context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 780})
    page = context.new_page()
    violations, errors = [], []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and violations.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.base = live_server.url
    page.csp_violations = violations
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_the_language_selector_switches_the_page_to_dutch(strict_page):
    page = strict_page
    page.goto(page.base + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#language", "nl")
    page.wait_for_selector("html[lang=nl]")
    assert page.locator("h1").inner_text() == "Aanmelden"
    assert "/accounts/login/" in page.url
    assert page.csp_violations == []


def test_the_api_docs_render_their_operations_from_local_files(strict_page):
    page = strict_page
    outside = []
    page.on("request", lambda request: request.url.startswith(page.base)
            or outside.append(request.url))
    page.goto(page.base + "/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=15000)
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/bookings/" in [path.replace("\u200b", "") for path in operations]
    assert page.csp_violations == []
    assert outside == []


def qr_codes_on_screen(page, selector: str):
    """The codes a phone camera would read from what the browser draws there."""
    import zxingcpp
    from PIL import Image

    shot = Image.open(io.BytesIO(page.locator(selector).screenshot()))
    return zxingcpp.read_barcodes(shot)


def test_the_booking_qr_code_is_standard_and_fills_its_box(strict_page, shop_world):  # noqa: F811
    shop, bay = shop_world
    start = localtime.make_local(tomorrow(), dt.time(8))
    booking = booking_create(bay=bay, organisation=shop, start=start,
                             end=localtime.later(start, 30), vehicle_length_m=Decimal("6"),
                             vehicle_mass_kg=3500,
                             zero_emission=False)
    page = strict_page
    sign_in(page)
    page.goto(f"{page.base}/portal/bookings/{booking.reference}/")
    box = page.locator(".qr svg").bounding_box()
    assert box["width"] >= 190 and box["height"] >= 190  # 12rem, drawn to fill it
    codes = qr_codes_on_screen(page, ".qr svg")
    assert [(code.format.name, code.text) for code in codes] == [("QRCode", booking.reference)]
    corners = codes[0].position
    drawn_width = corners.top_right.x - corners.top_left.x
    assert drawn_width > 0.6 * box["width"]  # the code itself, inside its quiet zone
    assert page.csp_violations == []
