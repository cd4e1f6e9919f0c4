import datetime as dt

import pytest
import time_machine

from places.localtime import LOCAL

# A Friday morning before the spring daylight-saving change (Sunday 29 March 2026).
NOW = dt.datetime(2026, 3, 27, 6, 0, tzinfo=LOCAL)
FRIDAY = NOW.date()


@pytest.fixture
def frozen_now():
    """Pin the clock so that 'the past' and 'too far ahead' are the same every run."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=LOCAL)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (Debian's, see tests/browser/launch.py)."""
    from tests.browser.launch import launch, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    # The sync API runs an event loop in this thread; the tests' own ORM calls are still sync.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            yield chromium
            chromium.close()
