"""OpenAPI additions: problem documents for every refusal, Idempotency-Key on every POST, the
API key security scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from .exceptions import PROBLEM_CONTENT_TYPE

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retry safely: the same key and body replay the first response for 24 hours; "
    "the same key with another body is refused with 422.",
)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details with a stable `code` per refusal reason.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["field", "detail", "code"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

ANY_REQUEST_PROBLEMS = {
    "400": "Bad input; `errors` lists the fields.",
    "404": "Not found, or not your organisation's.",
    "405": "Method not allowed; the Allow header lists the methods.",
    "406": "Not acceptable: the Accept header names no type this endpoint answers with.",
}
AUTHENTICATED_PROBLEMS = {
    "401": "No or an invalid API key.",
    "403": "Not allowed.",
}
BODY_PROBLEMS = {
    "413": "The request body is larger than this API accepts.",
    "415": "Unsupported media type: send JSON.",
}
WRITE_PROBLEMS = {
    "409": "Conflict: the bay is full, the vehicle is busy or the status does not allow it.",
    "422": "Refused by a rule (see `code`), or an Idempotency-Key reused with another body.",
}
THROTTLED_PROBLEM = {
    "429": "Too many requests; see Retry-After.",
}
RETRY_AFTER = {"Retry-After": {
    "description": "Seconds until the key's request budget turns.",
    "schema": {"type": "integer"},
}}


class VensterAutoSchema(AutoSchema):
    """Every POST takes Idempotency-Key, as api.viewsets.VensterAPIMixin honours it on every
    POST; no view needs to declare it.

    Each operation declares the problem documents its view can answer with. Which ones
    follows from how the view is set up: authentication (401, 403), a request body (413,
    415), a write (409, 422), throttling (429).
    """

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            return [*parameters, IDEMPOTENCY_HEADER]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        problem = ResolvedComponent(name="Problem", type=ResolvedComponent.SCHEMA,
                                    schema=PROBLEM_SCHEMA, object="Problem")
        self.registry.register_on_missing(problem)
        for code, description in self._problems().items():
            response = {"description": description,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": problem.ref}}}
            if code == "429":
                response["headers"] = RETRY_AFTER
            responses.setdefault(code, response)
        return responses

    def _problems(self) -> dict[str, str]:
        problems = dict(ANY_REQUEST_PROBLEMS)
        if self.view.get_authenticators():
            problems.update(AUTHENTICATED_PROBLEMS)
        if self.method in {"POST", "PUT", "PATCH"}:
            problems.update(BODY_PROBLEMS)
        if self.method != "GET":
            problems.update(WRITE_PROBLEMS)
        if self.view.throttle_classes:
            problems.update(THROTTLED_PROBLEM)
        return problems


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.OrganisationAPIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; create keys with `manage.py create_api_key`.",
        }


def _choices(path: str):
    from django.utils.module_loading import import_string

    module, _sep, rest = path.partition(":")
    model = import_string(module)
    return getattr(model, rest).choices


# Named enums for the several `status` choice sets (ENUM_NAME_OVERRIDES points here).
ENUMS = {
    "BookingStatusEnum": "bookings.models.Booking:Status",
    "BookingRequestStatusEnum": "bookings.models.BookingRequest:Status",
    "WaitlistStatusEnum": "bookings.models.WaitlistEntry:Status",
    "WebhookEndpointStatusEnum": "webhooks.models.WebhookEndpoint:Status",
    "WebhookDeliveryStatusEnum": "webhooks.models.WebhookDelivery:Status",
}


def __getattr__(name):
    # api.schema.BookingStatusEnum etc.: resolved when the schema is generated.
    if name in ENUMS:
        return _choices(ENUMS[name])
    raise AttributeError(name)
