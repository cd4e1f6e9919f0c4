"""collectstatic under the production storage: every file a static file points at is there.

The hashed-name storage rewrites the references inside CSS and JavaScript (url(...),
sourceMappingURL) and refuses a file that points at one that does not exist; without its
manifest every page answers 500. A vendored file copied with a dangling source map comment
is caught here in seconds, before the release test builds the wheel.
"""

from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_every_static_file_collects_under_the_hashed_name_storage(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("css/venster.css", "portal/leaflet/leaflet.js", "portal/map.js",
                 "places/zone_rules.js",
                 "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
                 "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
        assert f'"{name}"' in manifest
