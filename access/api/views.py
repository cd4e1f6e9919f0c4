"""/api/v1/enforcement/: check a plate, check in, mark a no-show. For enforcers only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import OrganisationAPIKey
from api.permissions import request_organisation
from api.throttling import EnforcementThrottle
from api.viewsets import VensterAPIMixin
from bookings import services as booking_services

from ..enforcement import (
    NotAllowedToEnforce,
    enforceable_booking,
    enforcement_check,
    enforcement_scope,
)
from .serializers import CheckQuerySerializer, _booking, answer_data


def scope_of(request):
    """An API key of a municipality, or a signed-in enforcer or municipal staff member."""
    try:
        if isinstance(request.auth, OrganisationAPIKey):
            return enforcement_scope(organisation=request_organisation(request))
        return enforcement_scope(user=request.user)
    except NotAllowedToEnforce as exc:
        raise PermissionDenied("Only enforcement officers and municipal staff may check.") from exc


class IsEnforcer(permissions.BasePermission):
    def has_permission(self, request, view):
        request.enforcement_scope = scope_of(request)
        return True


class EnforcementAPIView(VensterAPIMixin, APIView):
    """Clean input as every API view; throttled per officer or key, not per organisation."""

    permission_classes = [IsEnforcer]
    throttle_classes = [EnforcementThrottle]


class CheckView(EnforcementAPIView):

    @extend_schema(parameters=[CheckQuerySerializer], responses=OpenApiTypes.OBJECT,
                   summary="May this vehicle stand here now?", description=(
                       "For enforcement officers and municipalities: whether the vehicle with "
                       "this plate may stand at the bay now (a booking here now, the window, "
                       "closures, zero-emission status from the national register and "
                       "exemptions), with its bookings today in your municipality."))
    def get(self, request):
        query = CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = enforcement_check(plate=query.validated_data["plate"],
                                   bay_code=query.validated_data["bay"],
                                   scope=request.enforcement_scope)
        return Response(answer_data(answer))


class BookingActionView(EnforcementAPIView):
    service = None

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, reference):
        booking = enforceable_booking(reference=reference, scope=request.enforcement_scope)
        if booking is None:
            raise NotFound()
        # A refusal (BookingError) becomes a problem document in the API's exception handler.
        booking = self.service(booking=booking)
        return Response(_booking(booking), status=status.HTTP_200_OK)


@extend_schema_view(post=extend_schema(description=(
    "For enforcement officers and municipalities: check in the vehicle of a confirmed "
    "booking in your municipality on the spot. Any other status answers 409 "
    "`invalid_state`.")))
class CheckInView(BookingActionView):
    service = staticmethod(booking_services.booking_check_in)


@extend_schema_view(post=extend_schema(description=(
    "For enforcement officers and municipalities: record that a confirmed booking in your "
    "municipality was not used. Before the booking starts, or a second time, answers 409 "
    "`invalid_state`.")))
class NoShowView(BookingActionView):
    service = staticmethod(booking_services.booking_mark_no_show)
