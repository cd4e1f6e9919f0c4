"""Error pages by address: problem documents under /api/, CDS errors under /cds/, HTML elsewhere.

Django answers an address that matches no route (404), an unhandled error (500), a
request it refuses itself (400) and a PermissionDenied raised outside DRF (403) with
these handlers, not with an app's view. Each public interface keeps its own error
format there too: a client of the API or of the CDS feed never has to parse HTML.
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.views import defaults

from api.exceptions import status_problem_response
from cds.views import status_error_response


def _interface_error(request, status_code: int):
    path = request.path_info
    if path.startswith("/api/"):
        return status_problem_response(status_code)
    if path.startswith("/cds/"):
        return status_error_response(request, status_code)
    return None


def bad_request(request, exception):
    """A page's 400 says what was wrong with the address or form when a view raised
    BadRequest with a reason; other 400s (a suspicious host, a broken upload) keep their
    reason to the logs."""
    reason = str(exception) if type(exception) is BadRequest else ""
    return _interface_error(request, 400) or render(request, "400.html", {"reason": reason},
                                                    status=400)


def permission_denied(request, exception):
    return _interface_error(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _interface_error(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    return _interface_error(request, 500) or defaults.server_error(request)
