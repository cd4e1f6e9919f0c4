"""Every string a user can meet has a Dutch translation.

Two checks: every message in the project's catalogs is translated, and every string the code
and templates mark for translation (extracted afresh with makemessages, as a developer would)
is in the catalog Django uses at run time. The second catches a string that was added to
the code but never extracted into any catalog.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.utils.translation import trans_real

ROOT = Path(settings.BASE_DIR)
#: the project-wide catalog: config/ holds the site's templates and its locale/
PROJECT = Path(settings.PROJECT_DIR)
NOT_SOURCE = shutil.ignore_patterns("locale", "migrations", "static", "__pycache__", "*.pyc")


def project_apps() -> list[Path]:
    return sorted(Path(app.path) for app in apps.get_app_configs()
                  if Path(app.path).is_relative_to(ROOT) and ".venv" not in Path(app.path).parts)


def project_catalogs() -> list[Path]:
    return sorted(path for path in [PROJECT / "locale", *(app / "locale" for app in project_apps())]
                  if (path / "nl" / "LC_MESSAGES" / "django.po").exists())


def untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def described(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def extracted(source_dirs: list[Path], where: Path) -> list[polib.POEntry]:
    """The strings makemessages finds in these folders, in a throw-away copy of them."""
    where.mkdir()
    for source in source_dirs:
        shutil.copytree(source, where / source.name, ignore=NOT_SOURCE)
    (where / "locale").mkdir()
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run([str(django_admin), "makemessages", "-l", "nl", "--no-location",
                    "--no-obsolete"], cwd=where, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin"})
    catalog = where / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    return list(polib.pofile(str(catalog))) if catalog.exists() else []


def known_in_dutch(entry: polib.POEntry, catalog) -> bool:
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    if entry.msgid_plural:
        return (key, 0) in catalog and bool(catalog[(key, 0)])
    return key in catalog and bool(catalog[key])


def test_every_message_in_the_catalogs_has_a_dutch_translation():
    catalogs = project_catalogs()
    assert len(catalogs) >= 10
    missing = {}
    for folder in catalogs:
        po = polib.pofile(str(folder / "nl" / "LC_MESSAGES" / "django.po"))
        lacking = [described(e) for e in po if not e.obsolete and (untranslated(e) or e.fuzzy)]
        if lacking:
            missing[str(folder.relative_to(ROOT))] = lacking
    assert missing == {}


def test_every_string_marked_for_translation_is_translated_at_run_time(tmp_path):
    catalog = trans_real.translation("nl")._catalog
    sources = {app.name: [app] for app in project_apps()}
    sources["project"] = [PROJECT]
    missing = {}
    for name, folders in sources.items():
        lacking = [described(entry) for entry in extracted(folders, tmp_path / name)
                   if not known_in_dutch(entry, catalog)]
        if lacking:
            missing[name] = lacking
    assert sum(map(len, missing.values())) == 0, missing
