"""Every refusal under /api/ is an RFC 9457 problem document, and the schema declares it.

The routes come from Django's URL resolver, not from the schema, so a route the
schema leaves out is walked too (and fails the declaration check). Each route is
tried with wrong methods, an unknown sub-path, a body of the wrong media type, a
body that is too large, an Accept header it cannot satisfy, no credentials, and
more requests than the key's budget. Every status seen is recorded and must be
declared by the route's operations in the OpenAPI schema.
"""

import json
import re
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.schemas.generators import EndpointEnumerator
from rest_framework.test import APIClient

from organisations.models import Organisation
from tests.factories import MunicipalityFactory, OrganisationFactory

from .conftest import key_client

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
BODY_METHODS = {"POST", "PUT", "PATCH"}
# HTML pages for people, deliberately not operations of the API.
DOC_PAGES = {"/api/docs/", "/api/redoc/"}
FILLERS = {"reference": "BNOPE42", "pk": "999999", "token": "no-such-calendar-token-at-all",
           "format": "json"}
PLACEHOLDER = re.compile(r"[{}]")


def api_routes() -> list[tuple[str, str]]:
    """(schema path, concrete path) for every route Django resolves under /api/."""
    enumerator = EndpointEnumerator()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield enumerator.get_path_from_regex(prefix + str(pattern.pattern))

    routes = []
    for template in walk(get_resolver().url_patterns):
        if not template.startswith("/api/"):
            continue
        # DRF's format suffix routes (bookings.json) answer as their plain route does.
        schema_path = template.replace("\\.{format}", "").replace("{pk}", "{id}")
        concrete = template.replace("\\.", ".")
        for name, value in FILLERS.items():
            concrete = concrete.replace("{" + name + "}", value)
        routes.append((schema_path, concrete))
    return routes


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def caller():
    """A municipality's key: it may call every route, enforcement included."""
    municipality = MunicipalityFactory()
    return key_client(OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY,
                                          municipality=municipality))


class Seen:
    """The statuses each (method, schema path) answered with."""

    def __init__(self):
        self.statuses = defaultdict(set)

    def record(self, method: str, path: str, response):
        self.statuses[(method, path)].add(response.status_code)
        return response


def assert_problem(response, status: int | None = None) -> dict:
    where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
    if status is not None:
        assert response.status_code == status, (where, response.status_code, response.content)
    assert response.status_code >= 400, where
    assert response["Content-Type"] == "application/problem+json", (where, response.content)
    body = json.loads(response.content)
    assert body["status"] == response.status_code, where
    assert body["type"].startswith("urn:venster:problem:"), where
    assert body["code"] and body["title"] and body["detail"], (where, body)
    for text in (body["title"], body["detail"]):
        assert not PLACEHOLDER.search(text), (where, text)
    return body


def call(client, method: str, path: str, **extra):
    return getattr(client, method.lower())(path, **extra)


def allowed_methods(client, path: str) -> set[str]:
    answer = client.options(path)
    assert answer.status_code < 500, (path, answer.content)
    return {m.strip() for m in answer.get("Allow", "").split(",") if m.strip()} - {"OPTIONS",
                                                                                    "HEAD"}


def test_the_routes_are_found():
    paths = {schema_path for schema_path, _concrete in api_routes()}
    assert {"/api/v1/bookings/", "/api/v1/enforcement/bookings/{reference}/check-in",
            "/api/v1/calendar/{token}.ics", "/api/schema/"} <= paths


def test_every_refusal_under_api_is_a_problem_document_and_is_declared(caller, schema,
                                                                       settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    seen = Seen()
    anonymous = APIClient()
    creates_refusing_text = []
    for schema_path, path in api_routes():
        allowed = allowed_methods(caller, path)
        assert allowed, path
        for method in METHODS:
            if method not in allowed:  # a wrong method
                response = seen.record(method, schema_path, call(caller, method, path))
                assert_problem(response, 405)
                assert method not in response["Allow"]
                continue
            # No credentials.
            response = seen.record(method, schema_path, call(anonymous, method, path))
            if response.status_code >= 400:
                assert_problem(response)
            # An Accept header naming only a type no route answers with.
            response = seen.record(method, schema_path,
                                   call(caller, method, path, HTTP_ACCEPT="text/csv"))
            assert_problem(response, 406)
            if method in BODY_METHODS:
                # A body in a media type the API does not parse.
                response = seen.record(method, schema_path, call(
                    caller, method, path, data="plate=VX123B", content_type="text/plain"))
                assert_problem(response)
                if response.status_code == 415:
                    creates_refusing_text.append(schema_path)
                # A body larger than the API accepts.
                big = json.dumps({"note": "x" * 5000})
                response = seen.record(method, schema_path, call(
                    caller, method, path, data=big, content_type="application/json"))
                if response.status_code >= 400:
                    assert_problem(response)
        # An address below the route that matches nothing.
        below = path + ("no-such/thing/" if path.endswith("/") else "/no-such/thing/")
        assert_problem(caller.get(below), 404)
    assert "/api/v1/bookings/" in creates_refusing_text
    assert_every_status_is_declared(seen, schema)


def test_too_many_requests_answer_429_problems_that_are_declared(caller, schema, settings):
    settings.API_THROTTLE_RATE = "1/minute"
    seen = Seen()
    for schema_path, path in api_routes():
        if "GET" not in allowed_methods(caller, path):
            continue
        cache.clear()
        seen.record("GET", schema_path, caller.get(path))
        response = seen.record("GET", schema_path, caller.get(path))
        if response.status_code == 429:
            assert_problem(response)
            assert int(response["Retry-After"]) > 0
    assert 429 in seen.statuses[("GET", "/api/v1/bookings/")]
    assert_every_status_is_declared(seen, schema)


def test_a_body_over_the_limit_is_a_413_problem(caller, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = caller.post("/api/v1/vehicles/", json.dumps({"name": "x" * 5000}),
                           content_type="application/json")
    assert assert_problem(response, 413)["code"] == "payload_too_large"


@pytest.mark.parametrize("language, title, detail", [
    ("en", "Method not allowed.", 'Method "DELETE" not allowed.'),
    ("nl", "Methode niet toegestaan.", 'Methode "DELETE" niet toegestaan.'),
])
def test_a_wrong_method_names_the_method_in_the_detail_not_in_the_title(caller, language,
                                                                        title, detail):
    response = caller.delete("/api/v1/bookings/", HTTP_ACCEPT_LANGUAGE=language)
    body = assert_problem(response, 405)
    assert (body["title"], body["detail"]) == (title, detail)


def test_a_wrong_media_type_names_the_type_in_the_detail_not_in_the_title(caller):
    response = caller.post("/api/v1/vehicles/", data="x", content_type="text/plain",
                           HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 415)
    assert body["title"] == "Unsupported media type."
    assert body["detail"] == 'Unsupported media type "text/plain" in request.'


@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v1/no-such-thing/",
                                  "/api/v2/bookings/"])
def test_an_address_without_a_route_is_a_404_problem_not_an_html_page(path):
    body = assert_problem(APIClient().get(path, HTTP_ACCEPT="text/html"), 404)
    assert body["code"] == "not_found"


def test_a_browser_asking_for_html_still_gets_a_problem_document():
    assert_problem(APIClient().get("/api/v1/bookings/", HTTP_ACCEPT="text/html"), 401)


def test_outside_api_a_missing_page_stays_an_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def assert_every_status_is_declared(seen: Seen, schema: dict):
    paths = schema["paths"]
    undeclared = []
    for (method, path), statuses in sorted(seen.statuses.items()):
        if path in DOC_PAGES:
            continue
        assert path in paths, f"{path} is a route but not in the schema"
        operations = {m.upper(): op for m, op in paths[path].items() if m.upper() in METHODS}
        for status in statuses:
            if method in operations:
                declared = operations[method]["responses"]
            elif status == 405:
                # A method the path does not have: its operations say they answer 405.
                declared = {str(s) for op in operations.values() for s in op["responses"]
                            if all(str(s) in o["responses"] for o in operations.values())}
            else:
                declared = set()
            if str(status) not in declared:
                undeclared.append(f"{method} {path} {status}")
    assert undeclared == []


def test_an_unhandled_error_under_api_is_a_500_problem_not_a_page(caller, monkeypatch):
    from bookings.api.views import AvailabilityView

    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(AvailabilityView, "get", fail)
    caller.raise_request_exception = False
    body = assert_problem(caller.get("/api/v1/availability/", HTTP_ACCEPT="text/html"), 500)
    assert body["code"] == "server_error" and "a bug" not in json.dumps(body)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_domain_error_gives_a_problem_a_templated_title(language):
    """A refusal's title names its type; the numbers and names go in the detail."""
    from django.apps import apps
    from django.utils import translation
    from django.utils.module_loading import autodiscover_modules

    from api.exceptions import booking_error_title
    from bookings.errors import BookingError

    autodiscover_modules("errors", "waitlist", "allocation")
    assert apps.ready
    errors = list(_subclasses(BookingError))
    assert len(errors) > 30  # the bookings', hubs' and access errors were found
    with translation.override(language):
        templated = [cls.__name__ for cls in [BookingError, *errors]
                     if re.search(r"%\(|[{}]", booking_error_title(cls))]
    assert templated == []
