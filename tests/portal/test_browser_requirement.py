"""Browser tests skip without Chromium, except where the run requires a browser."""

import pytest

from tests.browser.launch import require_chromium


def test_a_missing_chromium_skips_the_browser_tests(monkeypatch):
    monkeypatch.delenv("VENSTER_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_chromium("/nonexistent/chromium")


def test_a_missing_chromium_fails_when_a_browser_is_required(monkeypatch):
    monkeypatch.setenv("VENSTER_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="VENSTER_REQUIRE_BROWSER=1"):
        require_chromium("/nonexistent/chromium")
