"""Screenshots of each role's main pages, at a phone's (360 px) and a desktop's width.

    python scripts/screenshots.py            # writes docs/screenshots/*.png

Loads the Leiden demo with a planned collector's day (`load_demo --plan`) into a
fresh SQLite database in a temporary folder, runs the development server on a
free port, signs in as the demo shop `winkel`, the collector `inzamelaar`, the
municipal admin `gemeente` and the officer `handhaver`, and photographs their
pages in Dutch with Debian's Chromium (no browser is downloaded). Set CHROMIUM
to use another Chromium binary.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=nl-NL",
]
WIDTHS = {"phone": (360, 780), "desktop": (1280, 900)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_server(var_dir: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "VENSTER_VAR_DIR": var_dir, "DEBUG": "true",
           "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo", "--plan"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("The development server did not start.")


def pages(base: str) -> dict[str, dict[str, str]]:
    """By demo user: the name of each picture and the page it shows."""
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    return {
        "winkel": {
            "grid": f"{base}/portal/book/?day={tomorrow}&vehicle_length_m=6&duration=30",
            "my-bookings": f"{base}/portal/bookings/",
            "map": f"{base}/portal/map/",
            "pickups": f"{base}/portal/pickups/",
        },
        "inzamelaar": {"run-sheets": f"{base}/hubs/routes/", "run-sheet": "first-run-sheet"},
        "gemeente": {"console": f"{base}/console/",
                     "console-windows": "first-zone-windows"},
        "handhaver": {"enforcement": f"{base}/enforcement/"},
    }


def follow(page, base: str, url: str) -> str:
    """A page reached through the one before it: the first run sheet, a zone's windows."""
    link = {"first-run-sheet": "#routes a", "first-zone-windows": "main table a"}.get(url)
    return base + page.locator(link).first.get_attribute("href") if link else url


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "venster-demo")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def request_a_pickup(page, base: str) -> None:
    """One glass pickup, so that the pickups page shows a list as well as the form."""
    page.goto(f"{base}/portal/pickups/")
    page.select_option("#id_stream", "glass")
    page.fill("#id_volume_litres", "120")
    page.click("#pickup-form button[type=submit]")
    page.wait_for_load_state()


def shoot(base: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name, (width, height) in WIDTHS.items():
            for username, shots in pages(base).items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              locale="nl-NL")
                page = context.new_page()
                if username == "winkel":
                    page.goto(f"{base}/accounts/login/")
                    path = OUT / f"sign-in-{size_name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                sign_in(page, base, username)
                if username == "winkel" and size_name == "phone":
                    request_a_pickup(page, base)
                for name, url in shots.items():
                    page.goto(follow(page, base, url))
                    page.wait_for_timeout(700 if name == "map" else 100)
                    path = OUT / f"{name}-{size_name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                context.close()
        browser.close()
    return written


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        server = run_server(var_dir, port)
        try:
            for path in shoot(f"http://127.0.0.1:{port}"):
                print(path.relative_to(ROOT))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
