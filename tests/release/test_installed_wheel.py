"""The release: Venster built as a wheel, installed, and run under production settings.

What a deployment does, in order: build the wheel, install it into a fresh virtual
environment, then with DEBUG off `venster migrate`, `venster collectstatic`, `venster check
--deploy`, load the demo, and serve with gunicorn as config/gunicorn.py says. Every command
runs from an empty directory with the installed package's Python, so nothing in the source
tree can stand in for what the wheel forgot. Then every page of the URL resolver is requested
as each demo user, through the proxy header production expects.

How the environment gets the dependencies: the wheel is installed with --no-deps into a venv
whose one .pth file points at this test run's own site-packages. Installing them from a
registry would take minutes (OR-Tools, SciPy) and a network; this way the test needs neither,
and `pip check` still proves that every dependency the wheel declares is present there. What
it cannot prove is that no undeclared dev dependency is imported at run time. The installed
package comes first on sys.path, and the .pth file adds a folder without running the .pth
files inside it, so the editable install of this checkout stays out (asserted below).

On PostgreSQL (DATABASE_URL set) the site gets its own database next to the test database;
on the embedded defaults an SQLite file in a temporary folder. Redis is not given to the
site: its cache would share keys with the test run's database in the same Redis number.

It is the slowest module of the suite: about 1,100 requests after a migrate and the demo.
Measured on a shared 2-core machine under heavy load (load average 12 to 16): 4.5 minutes
on SQLite, 9 minutes on PostgreSQL, most of it the deployment commands.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import httpx
import psycopg
import pytest
from django.conf import settings
from django.urls import reverse

from places.demo import DEMO_PASSWORD
from tests.security.routes import all_routes, url_of
from tests.workers import free_port, wait_for

pytestmark = pytest.mark.slow

HOST = "venster.example.nl"
DEMO_USERS = ["winkel", "vervoerder", "inzamelaar", "gemeente", "handhaver", "beheer-gouda"]
# Every admin page is tried by the superuser; the municipal staff try the admin's index and
# lists (scoped to their municipality); the others only its index, which sends them away.
ADMIN_PAGES = {"admin": "all", "gemeente": "lists", "beheer-gouda": "lists"}
# Answers a page may give a role without being broken: 400 a GET without the query it needs
# (availability), 401/403 a page the role may not see, 404 another's object or one the demo
# lacks, 405 a page that only takes POST.
REFUSALS = {400, 401, 403, 404, 405}
# Server errors by design: /health/ until a Celery worker has reported in (none runs here),
# and the CDS status of curb sensors, which Venster does not have.
DESIGNED_SERVER_ERRORS = {("health", 503), ("cds:status", 501)}
# What each demo user comes for answers 200.
OWN_PAGES = {
    None: ["home", "login", "schema", "swagger-ui", "redoc", "cds:zones", "places:zone_rules"],
    "winkel": ["portal:home", "portal:map", "portal:grid", "portal:bookings", "portal:booking",
               "portal:booking_reschedule", "portal:profile", "portal:api_keys",
               "portal:readiness", "portal:waitlist"],
    "vervoerder": ["api:booking-list", "api:booking-detail", "api:vehicle-detail",
                   "api:calendar-feed", "api:zone-list", "api:bay-geojson", "portal:home",
                   "api:vehicle-readiness", "api:series-list", "api:pickup-list"],
    "inzamelaar": ["hubs:routes", "hubs:bundling-report", "api:collector-route-list",
                   "api:collector-pickup-list"],
    "gemeente": ["console:index", "console:dashboard", "console:zone_windows",
                 "console:zone_windows_next",
                 "console:closure_detail", "console:bays_export", "admin:index",
                 "admin:bookings_booking_changelist", "admin:places_loadingbay_changelist"],
    "handhaver": ["enforcement:page"],
    "beheer-gouda": ["console:index", "admin:index", "admin:places_zone_changelist"],
    "admin": ["admin:index", "admin:auth_user_changelist", "admin:bookings_booking_change",
              "console:index"],
}
HERE = Path(__file__).resolve().parent
# What a checkout has besides its sources; a build must not see it.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "var", "staticfiles", "media", "build", "dist", "*.egg-info",
    "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "out",
)


def run(command: list, *, env: dict, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run([str(part) for part in command], env=env, cwd=cwd, text=True,
                            capture_output=True, timeout=timeout)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


# --- Build and install ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("release")


@pytest.fixture(scope="module")
def wheel(workdir) -> Path:
    """`pip wheel .` of a copy of the sources: a build in place would reuse a stale build/."""
    source = workdir / "source"
    shutil.copytree(settings.BASE_DIR, source, ignore=NOT_SOURCES)
    # No build isolation: the dev extras hold the setuptools it needs, so no network either.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", workdir / "dist", source], env=os.environ, cwd=workdir)
    return next((workdir / "dist").glob("venster-*.whl"))


@pytest.fixture(scope="module")
def python(workdir, wheel) -> Path:
    """The Python of a fresh venv with the wheel installed, and the console script beside it."""
    venv = workdir / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], env=os.environ, cwd=workdir)
    interpreter = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", interpreter, "install", "--no-deps",
         "--no-index", wheel], env=os.environ, cwd=workdir)
    site_packages = run([interpreter, "-c", "import sysconfig; print(sysconfig.get_path"
                         "('purelib'))"], env=os.environ, cwd=workdir).strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site_packages) / "dependencies-of-the-test-run.pth").write_text("\n".join(ours) + "\n")
    return interpreter


def test_the_wheel_holds_every_app_with_its_templates_static_files_and_translations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if "dist-info" not in name}
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS
                  if (settings.BASE_DIR / app.split(".")[0]).is_dir()}
    assert top_level == local_apps | {"config", "solvers"}

    for app in local_apps | {"config"}:
        catalog = settings.BASE_DIR / app / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
        if catalog.exists():
            assert f"{app}/locale/nl/LC_MESSAGES/django.mo" in names
    shipped = {path.relative_to(settings.BASE_DIR).as_posix()
               for folder in ("templates", "static")
               for app in local_apps | {"config"}
               for path in (settings.BASE_DIR / app / folder).rglob("*") if path.is_file()}
    assert shipped and shipped <= set(names), shipped - set(names)
    assert any(name.endswith("/migrations/0001_initial.py") for name in names)
    assert "venster-0.1.0.dist-info/licenses/LICENSE" in names
    entry_points = zipfile.ZipFile(wheel).read("venster-0.1.0.dist-info/entry_points.txt")
    assert "venster = config.manage:main" in entry_points.decode()


def test_the_installed_package_runs_from_the_venv_with_its_declared_dependencies(
        python, workdir):
    where = run([python, "-c", "import config, portal; print(config.__file__, portal.__file__)"],
                env=os.environ, cwd=workdir)
    assert str(settings.BASE_DIR) not in where
    assert all(path.startswith(str(workdir / "venv")) for path in where.split())
    assert "No broken requirements" in run(
        [sys.executable, "-m", "pip", "--python", python, "check"], env=os.environ, cwd=workdir)


# --- Deploy under production settings ---------------------------------------------------------


@pytest.fixture(scope="module")
def database_url(workdir):
    """A database of the site's own: next to the test database on PostgreSQL, else SQLite."""
    if not os.environ.get("DATABASE_URL"):
        yield f"sqlite:///{workdir / 'var' / 'venster.sqlite3'}"
        return
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{config['NAME']}_wheel"
    server = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                             user=config["USER"], password=config["PASSWORD"] or None,
                             dbname="postgres", autocommit=True)
    with server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def production_env(workdir, database_url) -> dict:
    unset = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PYTHONPATH", "DEBUG",
             "STATIC_ROOT", "VENSTER_VAR_DIR"}
    return {
        **{key: value for key, value in os.environ.items() if key not in unset},
        "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url, "VENSTER_VAR_DIR": str(workdir / "var"),
        "STATIC_ROOT": str(workdir / "staticfiles"), "WEB_CONCURRENCY": "2",
        # every route is read to its end: a short occupancy stream keeps the walk quick
        "OCCUPANCY_STREAM_SECONDS": "1",
    }


@pytest.fixture(scope="module")
def deployed(python, workdir, production_env) -> dict:
    """The README's production steps with the console script, and the demo; their outputs."""
    venster = python.with_name("venster")
    elsewhere = workdir / "elsewhere"  # not the source tree
    elsewhere.mkdir()
    steps = {
        "migrate": [venster, "migrate", "--noinput"],
        "collectstatic": [venster, "collectstatic", "--noinput"],
        "check": [venster, "check", "--deploy", "--fail-level", "WARNING"],
        "load_demo": [venster, "load_demo"],
        "ensure_admin": [venster, "ensure_admin"],
        "celery": [python, "-m", "celery", "-A", "config", "report"],  # loads, connects nowhere
    }
    outputs = {step: run(command, env=production_env, cwd=elsewhere)
               for step, command in steps.items()}
    outputs["admin_password"] = (workdir / "var" / "admin-password").read_text().strip()
    outputs["objects"] = json.loads(run([python, HERE / "demo_objects.py"], env=production_env,
                                        cwd=elsewhere))
    return outputs


@pytest.fixture(scope="module")
def site(python, workdir, production_env, deployed) -> str:
    """gunicorn with config/gunicorn.py, serving the installed package; its base URL."""
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
         "--bind", f"127.0.0.1:{port}"],
        env=production_env, cwd=workdir / "elsewhere", stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers() -> bool:
        assert server.poll() is None, (workdir / "gunicorn.log").read_text()
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code > 0
        except httpx.TransportError:
            return False

    try:
        wait_for(answers, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_the_production_steps_succeed_and_pass_the_deployment_checks(deployed):
    assert "static files copied" in deployed["collectstatic"]
    assert "no issues" in deployed["check"]
    assert "demo login 'winkel'" in deployed["load_demo"]
    assert "config.settings" in deployed["celery"]


# --- Browse it --------------------------------------------------------------------------------


class Visitor:
    """One person's requests to the site, as behind the TLS-terminating proxy production has.

    The session and CSRF cookies are Secure, so they are kept here rather than in httpx's
    jar, which would not send them over the proxy's plain-HTTP hop.
    """

    def __init__(self, base_url: str):
        self.client = httpx.Client(base_url=base_url, timeout=60, headers={
            "Host": HOST, "X-Forwarded-Proto": "https", "Accept-Language": "nl"})
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, headers=None, **kwargs) -> httpx.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.client.request(method, path, headers={**(headers or {}), "Cookie": cookie},
                                       **kwargs)
        self.client.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, username: str, password: str) -> None:
        form = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = self.request("POST", "/accounts/login/", data={
            "username": username, "password": password, "csrfmiddlewaretoken": token,
        }, headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}/accounts/login/"})
        assert answer.status_code == 302, (username, answer.status_code, answer.text[:500])
        assert "sessionid" in self.cookies


def demo_cast(objects: dict) -> SimpleNamespace:
    """The user's demo objects under the names tests/security/routes.py gives the cast's."""
    named = {name: SimpleNamespace(**value) for name, value in objects.items()
             if isinstance(value, dict)}
    return SimpleNamespace(**named, shop_booking=named["booking"],
                           shop_request=named["booking_request"],
                           shop_waitlist_entry=named["waitlist_entry"],
                           carrier=SimpleNamespace(calendar_token=objects["calendar_token"]))


def admin_url(key: str, admin_objects: dict) -> str:
    """An admin route's URL with the demo's first object of its model."""
    name = key.removeprefix("admin:")
    for label, found in admin_objects.items():
        if name.startswith(f"{label}_"):
            action = name.removeprefix(f"{label}_")
            pk = found["pk"] or 999999
            if action in ("changelist", "add"):
                return reverse(key)
            if action == "simple_history":
                return reverse(key, args=[pk, found["history_id"] or 999999])
            return reverse(key, args=[pk])
    if name == "app_list":
        return reverse(key, kwargs={"app_label": "bookings"})
    if name == "view_on_site":
        return reverse(key, kwargs={"content_type_id": 1, "object_id": 1})
    return reverse(key)


def tried(key: str, admin_pages: str | None) -> bool:
    if key.startswith("^static/"):
        return False  # Django serves static files itself only with DEBUG on
    if not key.startswith("admin") or key == "admin:index" or admin_pages == "all":
        return True
    return admin_pages == "lists" and key.endswith("_changelist")


def every_page(objects: dict, admin_objects: dict, *, admin_pages: str | None) -> dict[str, str]:
    """{route: URL} for every route the resolver knows, with this user's demo objects."""
    cast = demo_cast(objects)
    pages = {}
    for key in filter(lambda key: tried(key, admin_pages), all_routes()):
        if key.startswith("admin:"):
            pages[key] = admin_url(key, admin_objects)
        elif key == "admin/(?P<url>.*)$":
            pages[key] = "/admin/nothing-here/"
        elif key.startswith("admin/") and key != "admin/login/":
            # admin/<app>/<model>/<path:object_id>/: the old-style object address, redirected.
            app, model = key.split("/")[1:3]
            found = admin_objects.get(f"{app}_{model}", {})
            pages[key] = f"/admin/{app}/{model}/{found.get('pk') or 999999}/"
        else:
            pages[key] = url_of(key, cast)
    return pages


def visit_all(site: str, deployed: dict, username: str | None) -> dict[str, int]:
    visitor = Visitor(site)
    if username:
        password = deployed["admin_password"] if username == "admin" else DEMO_PASSWORD
        visitor.sign_in(username, password)
    objects = deployed["objects"]["users"].get(username or "admin")
    pages = every_page(objects, deployed["objects"]["admin"],
                       admin_pages=ADMIN_PAGES.get(username))
    return {key: visitor.request("GET", url).status_code for key, url in pages.items()}


def test_every_page_answers_every_demo_user_without_a_server_error(site, deployed):
    roles = [None, *DEMO_USERS, "admin"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(roles, pool.map(lambda role: visit_all(site, deployed, role), roles),
                           strict=True))

    broken = {(role, key): status for role, statuses in answers.items()
              for key, status in statuses.items()
              if status not in {200, 302, *REFUSALS}
              and (key, status) not in DESIGNED_SERVER_ERRORS}
    assert broken == {}
    not_served = {(role, key): answers[role][key] for role, keys in OWN_PAGES.items()
                  for key in keys if answers[role][key] != 200}
    assert not_served == {}
    every_admin_list = {key: status for key, status in answers["admin"].items()
                        if key.endswith("_changelist") and status != 200}
    assert every_admin_list == {}


def test_static_files_are_served_under_their_hashed_names(site):
    visitor = Visitor(site)
    page = visitor.request("GET", "/accounts/login/").text
    hashed = re.findall(r'/static/[\w/.-]+\.[0-9a-f]{12}\.(?:css|js)', page)
    assert any(url.startswith("/static/css/venster.") for url in hashed), page[:2000]
    for url in hashed:
        response = visitor.request("GET", url)
        assert response.status_code == 200, url
        assert "immutable" in response.headers["cache-control"]  # whitenoise, hashed name
    assert visitor.request("GET", "/static/css/no-such-file.css").status_code == 404


def test_plain_http_is_sent_to_https_and_https_gets_strict_transport_security(site):
    plain = httpx.get(f"{site}/accounts/login/", headers={"Host": HOST})
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://{HOST}/accounts/login/"
    secure = Visitor(site).request("GET", "/accounts/login/")
    assert secure.status_code == 200
    assert "max-age=" in secure.headers["strict-transport-security"]
    assert "secure" in secure.headers["set-cookie"].lower()
