"""OpenAPI additions: problem documents for every refusal, Idempotency-Key on every POST, the
API key security scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .exceptions import PROBLEM_CONTENT_TYPE

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retry safely: the same key and body replay the first response for 24 hours; "
    "the same key with another body is refused with 422.",
)


class VensterAutoSchema(AutoSchema):
    """Every POST takes Idempotency-Key, as api.viewsets.VensterAPIMixin honours it on every
    POST; no view needs to declare it."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            return [*parameters, IDEMPOTENCY_HEADER]
        return parameters


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    pointer = serializers.CharField()
    detail = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with Venster's stable `code`."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = FieldErrorSerializer(many=True, required=False)


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

COMMON_PROBLEMS = {
    "400": "Bad input; `errors` lists the fields.",
    "401": "No or an invalid API key.",
    "403": "Not allowed.",
    "404": "Not found, or not your organisation's.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "415": "Unsupported media type.",
    "429": "Too many requests; see Retry-After.",
}
WRITE_PROBLEMS = {
    "409": "Conflict: the bay is full, the vehicle is busy or the status does not allow it.",
    "422": "Refused by a rule (see `code`), or an Idempotency-Key reused with another body.",
}


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook: every operation may answer with a problem document."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            problems = dict(COMMON_PROBLEMS)
            if method != "get":
                problems.update(WRITE_PROBLEMS)
            responses = operation.setdefault("responses", {})
            for code, description in problems.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
                })
    return result


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
