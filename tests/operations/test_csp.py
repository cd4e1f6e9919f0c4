"""The Content-Security-Policy header: built once from the settings, as django-csp builds it."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from operations.csp import CSPMiddleware


def _respond(view=None, path="/"):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(view or (lambda request: HttpResponse("ok")))
    return request, middleware(request)


def test_every_response_carries_the_policy_of_the_settings():
    _request, response = _respond()
    assert response[HEADER] == build_policy()
    assert "frame-ancestors 'none'" in response[HEADER]
    assert "default-src 'self'" in response[HEADER]
    assert HEADER_REPORT_ONLY not in response


@pytest.mark.django_db
def test_pages_and_the_api_carry_it(client):
    for path in ("/", "/api/v1/bays/", "/health/"):
        assert client.get(path)[HEADER] == build_policy(), path


def test_a_changed_setting_is_used_at_once():
    _respond()
    changed = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/raw/"]}
    with override_settings(CONTENT_SECURITY_POLICY=changed,
                           CONTENT_SECURITY_POLICY_REPORT_ONLY=changed):
        _request, response = _respond()
        assert response[HEADER] == "default-src 'none'"
        assert response[HEADER_REPORT_ONLY] == "default-src 'none'"
        _request, excluded = _respond(path="/raw/file")
        assert HEADER not in excluded and HEADER_REPORT_ONLY not in excluded
    assert _respond()[1][HEADER] == build_policy()


def test_a_view_that_changes_its_policy_gets_its_own():
    @csp_update({"img-src": ["https://example.org"]})
    def view(request):
        return HttpResponse("ok")

    _request, response = _respond(view)
    assert "https://example.org" in response[HEADER]


def test_a_nonce_used_by_the_page_is_in_the_header():
    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [NONCE]}}):
        request, response = _respond(view)
    assert f"script-src 'nonce-{request._csp_nonce}'" in response[HEADER]


def test_an_exempt_response_and_a_header_already_set_are_left_alone():
    def exempt(request):
        response = HttpResponse("ok")
        response._csp_exempt = True
        return response

    def own(request):
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'"
        return response

    assert HEADER not in _respond(exempt)[1]
    assert _respond(own)[1][HEADER] == "default-src 'none'"


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    request, _response = _respond()
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)
