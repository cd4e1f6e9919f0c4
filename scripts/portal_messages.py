"""Extract the portal's and the project's translatable strings into their catalogs.

    python scripts/portal_messages.py     # then translate, then compile (see below)

portal/locale/ holds the portal's own strings and, as a fallback, the strings
of other apps that the portal shows (booking refusals, statuses, waste
streams, weekdays): they are linked into a temporary folder while extracting.
An app's own catalog, listed earlier in INSTALLED_APPS, takes precedence.
config/locale/ holds the strings of config/ and its templates/ (the project's pages).
Compile with `django-admin compilemessages` in portal/ and in config/.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN_BY_THE_PORTAL = [
    "bookings/errors.py", "bookings/models.py", "bookings/recurring.py",
    "hubs/models.py", "hubs/services.py", "places/models.py", "places/localtime.py",
    "organisations/models.py", "notifications/models.py",
]
DJANGO_ADMIN = [
    str(Path(sys.executable).with_name("django-admin")), "makemessages", "-l", "nl",
    "--no-location",
]


def _without_settings() -> dict:
    # Extraction needs no settings; with them, django-admin would import the project.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


def portal_catalog() -> None:
    shared = ROOT / "portal" / "_shown_from_other_apps"
    shared.mkdir(exist_ok=True)
    try:
        for source in SHOWN_BY_THE_PORTAL:
            link = shared / source.replace("/", "__")
            link.unlink(missing_ok=True)
            link.symlink_to(ROOT / source)
        subprocess.run(DJANGO_ADMIN, cwd=ROOT / "portal", check=True, env=_without_settings())
    finally:
        shutil.rmtree(shared)


def project_catalog() -> None:
    subprocess.run(DJANGO_ADMIN, cwd=ROOT / "config", check=True, env=_without_settings())


if __name__ == "__main__":
    portal_catalog()
    project_catalog()
