"""One exception handler for the whole API: every refusal is an RFC 9457 problem document.

Domain errors (bookings.errors.BookingError and its subclasses) keep their
stable `code` and HTTP status (409 for a full bay); DRF's own errors get a code
from their class; bad input lists its field errors. Nothing a caller sends
should turn into a 500.
"""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bookings.errors import BookingError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used before with another request."


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is larger than this API accepts."


def problem_type(code: str) -> str:
    return f"urn:venster:problem:{code}"


def problem(*, status_code: int, code: str, title: str, detail: str, **extra) -> dict:
    return {
        "type": problem_type(code),
        "title": str(title),
        "status": status_code,
        "detail": str(detail),
        "code": code,
        **extra,
    }


class ProblemResponse(Response):
    """A problem document is JSON whatever the request negotiated.

    A browser's Accept header picks DRF's HTML page and a calendar app's picks
    text/calendar; neither may turn a refusal into something that is not
    application/problem+json.
    """

    def __init__(self, body: dict, headers=None):
        super().__init__(body, status=body["status"], headers=headers,
                         content_type=PROBLEM_CONTENT_TYPE)

    @property
    def rendered_content(self):
        self.accepted_renderer = JSONRenderer()
        self.accepted_media_type = JSONRenderer.media_type
        return super().rendered_content


def problem_response(body: dict, headers=None) -> Response:
    return ProblemResponse(body, headers=headers)


# Statuses that Django answers before (or outside) any API view: an address without a
# route, a crash, a request Django itself refuses, a PermissionDenied from plain Django.
STATUS_PROBLEMS = {
    400: ("bad_request", gettext_lazy("Bad request."),
          gettext_lazy("The server cannot read this request.")),
    403: ("permission_denied", gettext_lazy("Permission denied."),
          gettext_lazy("You do not have permission to perform this action.")),
    404: ("not_found", gettext_lazy("Not found."),
          gettext_lazy("There is no API endpoint or object at this address.")),
    500: ("server_error", gettext_lazy("Server error."),
          gettext_lazy("Something went wrong on our side; the error has been logged.")),
}


def status_problem_response(status_code: int) -> HttpResponse:
    """A plain Django response (no DRF view is involved) with a problem document."""
    code, title, detail = STATUS_PROBLEMS[status_code]
    body = problem(status_code=status_code, code=code, title=title, detail=detail)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status_code,
                        content_type=PROBLEM_CONTENT_TYPE)


def _is_leaf(details) -> bool:
    """A list of {message, code} entries (one field's errors), as get_full_details() gives."""
    return isinstance(details, list) and all(
        isinstance(d, dict) and set(d) == {"message", "code"} for d in details
    )


def field_errors(details, prefix="") -> list[dict]:
    """Flatten DRF's nested error details into [{field, pointer, detail, code}]."""
    if isinstance(details, dict) and set(details) == {"message", "code"}:
        details = [details]
    if _is_leaf(details):
        field = prefix or "non_field_errors"
        pointer = "#/" + prefix.replace(".", "/") if prefix else "#"
        return [{"field": field, "pointer": pointer, "detail": str(entry["message"]),
                 "code": str(entry["code"])} for entry in details]
    items = details.items() if isinstance(details, dict) else enumerate(details)
    result = []
    for name, value in items:
        result += field_errors(value, f"{prefix}.{name}" if prefix else str(name))
    return result


def booking_error_title(error_class: type[BookingError]) -> str:
    """The problem type's title: the error's default message, which is therefore never a
    template (RFC 9457: the title does not change from occurrence to occurrence)."""
    return str(error_class.default_message)


def _booking_problem(exc: BookingError) -> Response:
    extra = {k: v for k, v in exc.details.items() if isinstance(v, str | int | float | bool)}
    return problem_response(problem(
        status_code=exc.http_status, code=exc.code, title=booking_error_title(type(exc)),
        detail=exc.message, **extra,
    ))


def problem_exception_handler(exc, context):
    if isinstance(exc, BookingError):
        return _booking_problem(exc)
    if isinstance(exc, IntegrityError):
        exc = exceptions.APIException(_("This conflicts with data that already exists."))
        exc.status_code = status.HTTP_409_CONFLICT
        exc.default_code = "conflict"
    elif isinstance(exc, RequestDataTooBig):
        # Raised while DRF parses the body; without this it would leave the API as an HTML 400.
        exc = PayloadTooLarge()
    elif isinstance(exc, DataError):
        exc = exceptions.ValidationError(_("A value is out of range or not allowed."))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    return problem_response(_drf_problem(exc, response.status_code), headers=response.headers)


def _drf_problem(exc: exceptions.APIException, status_code: int) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status_code=status_code, code="invalid", title=_("The request is not valid."),
            detail=_("Correct the fields listed in errors."),
            errors=field_errors(exc.get_full_details()),
        )
    code = getattr(exc, "default_code", "error")
    details = exc.get_full_details()
    if isinstance(details, dict) and "code" in details:
        code = details["code"]
    title = _title(exc)
    detail = str(exc.detail) if isinstance(exc.detail, str) else title
    return problem(status_code=status_code, code=str(code), title=title, detail=detail)


# The default_detail of these is a template ('Method "{method}" not allowed.'); a problem
# type's title reads the same for every occurrence (RFC 9457, 3.1.3), the detail names it.
TEMPLATED_TITLES = {
    exceptions.MethodNotAllowed: gettext_lazy("Method not allowed."),
    exceptions.UnsupportedMediaType: gettext_lazy("Unsupported media type."),
}


def _title(exc: exceptions.APIException) -> str:
    for exc_class, title in TEMPLATED_TITLES.items():
        if isinstance(exc, exc_class):
            return str(title)
    return str(exc.default_detail)
