"""Pages work in a real Chromium under the site's real Content-Security-Policy.

The other browser tests let their own probes run past the policy (bypass_csp); here the
policy is enforced as for every visitor, and any violation Chromium reports fails the test.
"""

import pytest

from tests.portal.test_browser import CHROMIUM_ARGS, browser, require_chromium  # noqa: F401

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
