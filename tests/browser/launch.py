"""Debian's Chromium for the browser tests: found, or skipped, or (in CI) a failure.

No browser is downloaded: Playwright drives the system's Chromium. The tests skip
when it is absent, unless VENSTER_REQUIRE_BROWSER=1 (as in CI), where a missing
browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require_chromium(path: str = CHROMIUM) -> None:
    """Skip without Chromium, or fail when the run requires it (VENSTER_REQUIRE_BROWSER=1)."""
    if Path(path).exists():
        return
    reason = f"Chromium is not installed at {path} (apt-get install chromium)."
    if os.environ.get("VENSTER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"VENSTER_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
