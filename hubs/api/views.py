"""The hubs API: declarative reads, explicit commands that call one service each.

Refusals (BookingError and the hubs' errors) propagate to the API's one exception
handler, which answers with a problem document carrying the error's code.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.permissions import request_organisation
from api.viewsets import VensterAPIMixin
from organisations.models import Organisation

from .. import selectors, services
from ..models import DockReservation, Hub, LastMileChain, PickupRequest, StorageReservation
from . import serializers as s


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _own(model, request, pk):
    """An object of the caller's organisation, else 404 (never reveal others' objects)."""
    return get_object_or_404(model, pk=pk, organisation=request_organisation(request))


@extend_schema_view(
    list=extend_schema(description=(
        "The active shared logistics hubs with their dock doors, opening hours and the "
        "municipalities' shares of the docks.")),
    retrieve=extend_schema(description="One hub with its doors, opening hours and shares."),
    dock_availability=extend_schema(
        parameters=[s.DockAvailabilityQuery], responses=s.DockSlotSerializer(many=True),
        description=(
            "Every start on the hub's slot grid on a day where a door that takes the vehicle "
            "is free for the whole stay, within opening hours and, with `municipality`, "
            "within that municipality's share of the docks.")),
)
class HubViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Hub.objects.filter(is_active=True).prefetch_related(
        "doors", "opening_hours", "shares__municipality")
    serializer_class = s.HubSerializer

    @action(detail=True, methods=["get"], url_path="dock-availability", pagination_class=None)
    def dock_availability(self, request, pk=None):
        query = s.DockAvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        slots = selectors.dock_availability(
            hub=self.get_object(), day=query.validated_data["day"],
            duration_minutes=query.validated_data["duration_minutes"],
            vehicle_length_m=query.validated_data["vehicle_length_m"],
            municipality_id=query.validated_data.get("municipality"),
        )
        return Response(s.DockSlotSerializer(slots, many=True).data)


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's dock slots at the hubs; filter by `hub` and `status`.")),
    retrieve=extend_schema(description="One of your organisation's dock slots."),
    create=extend_schema(request=s.DockReservationInput, description=(
        "Reserve a dock slot: the smallest free door that takes the vehicle is chosen. "
        "A refusal (no door fits, outside opening hours, closed, no share left, full) "
        "answers with its `code`.")),
    cancel=extend_schema(request=None, description=(
        "Cancel a confirmed dock slot, and the chain it starts if any. A second cancel "
        "answers 409.")),
)
class DockReservationViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """A carrier's own dock slots; reserve (POST) and cancel are commands."""

    serializer_class = s.DockReservationSerializer
    filterset_fields = ["hub", "status"]

    def get_queryset(self):
        return DockReservation.objects.filter(
            organisation=request_organisation(self.request)).select_related("door")

    def create(self, request):
        values = _valid(s.DockReservationInput, request)
        reservation = services.dock_reservation_create(
            hub=values["hub"], organisation=request_organisation(request),
            start=values["start"], end=values["end"], vehicle=values.get("vehicle"),
            vehicle_length_m=values.get("vehicle_length_m"),
            municipality=values.get("municipality"),
            booked_by=request.user if request.user.is_authenticated else None,
            note=values["note"],
        )
        return Response(s.DockReservationSerializer(reservation).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reservation = services.dock_reservation_cancel(
            reservation=_own(DockReservation, request, pk))
        return Response(s.DockReservationSerializer(reservation).data)


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's pallet storage reservations; filter by `hub` and `status`.")),
    retrieve=extend_schema(description="One of your organisation's storage reservations."),
    create=extend_schema(description=(
        "Reserve pallet places at a hub for every day from `start_date` to `end_date` "
        "(both inclusive).")),
    cancel=extend_schema(request=None, description="Cancel a confirmed storage reservation."),
)
class StorageReservationViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                viewsets.GenericViewSet):
    serializer_class = s.StorageReservationSerializer
    filterset_fields = ["hub", "status"]

    def get_queryset(self):
        return StorageReservation.objects.filter(organisation=request_organisation(self.request))

    def create(self, request):
        data = s.StorageReservationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reservation = services.storage_reservation_create(
            hub=values["hub"], organisation=request_organisation(request),
            pallets=values["pallets"], start_date=values["start_date"],
            end_date=values["end_date"], note=values.get("note", ""),
        )
        return Response(s.StorageReservationSerializer(reservation).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reservation = services.storage_reservation_cancel(
            reservation=_own(StorageReservation, request, pk))
        return Response(s.StorageReservationSerializer(reservation).data)


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's last-mile chains: an inbound dock slot at a hub and the "
        "delivery's kerb time in the zone, booked as one.")),
    retrieve=extend_schema(description="One of your organisation's last-mile chains."),
    create=extend_schema(request=s.ChainInput, description=(
        "Book a dock slot and the delivery's kerb time together: both are booked, or "
        "neither is.")),
    move_inbound=extend_schema(request=s.MoveInput, description=(
        "Move the dock slot; the delivery moves by the same time, or nothing moves.")),
    move_delivery=extend_schema(request=s.MoveInput, description=(
        "Move the delivery's kerb time; it is checked against the inbound slot first.")),
    cancel=extend_schema(request=None, description=(
        "Cancel the whole chain: the dock slot and the delivery booking.")),
)
class ChainViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """A carrier's last-mile chains: dock slot plus the delivery's kerb time, as one."""

    serializer_class = s.ChainSerializer

    def get_queryset(self):
        return LastMileChain.objects.filter(
            inbound__organisation=request_organisation(self.request)
        ).select_related("inbound__door", "delivery__bay")

    def create(self, request):
        values = _valid(s.ChainInput, request)
        chain = services.chain_create(
            hub=values["hub"], organisation=request_organisation(request),
            inbound_start=values["inbound_start"], inbound_end=values["inbound_end"],
            vehicle_length_m=values["vehicle_length_m"], delivery_bay=values["delivery_bay"],
            delivery_start=values["delivery_start"], delivery_end=values["delivery_end"],
            delivery_vehicle=values.get("delivery_vehicle"),
            delivery_vehicle_length_m=values["delivery_vehicle_length_m"],
            delivery_vehicle_mass_kg=values.get("delivery_vehicle_mass_kg"),
            recipient=values.get("recipient"),
            last_mile_operator=values.get("last_mile_operator"),
            goods_litres=values["goods_litres"],
            booked_by=request.user if request.user.is_authenticated else None,
        )
        return Response(s.ChainSerializer(chain).data, status=status.HTTP_201_CREATED)

    def _command(self, request, pk, service, **extra):
        chain = get_object_or_404(self.get_queryset(), pk=pk)
        chain = service(chain=chain, **extra)
        return Response(s.ChainSerializer(chain).data)

    @action(detail=True, methods=["post"], url_path="move-inbound")
    def move_inbound(self, request, pk=None):
        data = s.MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._command(request, pk, services.chain_move_inbound, **data.validated_data)

    @action(detail=True, methods=["post"], url_path="move-delivery")
    def move_delivery(self, request, pk=None):
        data = s.MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._command(request, pk, services.chain_move_delivery, **data.validated_data)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._command(request, pk, services.chain_cancel)


@extend_schema_view(
    list=extend_schema(parameters=[s.RouteQuery], description=(
        "A waste collector's planned routes from applied planning runs; `day` "
        "(YYYY-MM-DD) narrows to one day.")),
    retrieve=extend_schema(description="One planned route with its stops in order."),
)
class CollectorRouteViewSet(VensterAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A collector's planned routes (applied runs only); `?day=YYYY-MM-DD` narrows to a day."""

    serializer_class = s.PlannedRouteSerializer

    def get_queryset(self):
        query = s.RouteQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.routes_of(request_organisation(self.request),
                                   day=query.validated_data.get("day"))


def _pickup_command(request, run, status_code=status.HTTP_200_OK, output=None):
    output = output or s.PickupSerializer
    return Response(output(run()).data, status=status_code)


@extend_schema_view(
    list=extend_schema(description=(
        "Your shop's waste and recycling pickup requests by day; filter by `day` and "
        "`status`. A collected pickup shows the amount, a missed one the collector's "
        "reason.")),
    retrieve=extend_schema(description=(
        "One of your pickup requests; another organisation's id answers 404.")),
)
class PickupViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = s.PickupSerializer
    filterset_fields = ["day", "status"]

    def get_queryset(self):
        return PickupRequest.objects.filter(organisation=request_organisation(self.request))

    @extend_schema(request=s.PickupCreateSerializer, responses={201: s.PickupSerializer},
                   description=(
                       "Ask for one waste stream to be collected on a day inside a time window, "
                       "or on chosen weekdays until `recurrence_until` (the days come four "
                       "weeks ahead; later ones are requested as they come inside). The "
                       "portal's rules apply: a refusal answers 422 with its `code`."))
    def create(self, request):
        def make():
            data = _valid(s.PickupCreateSerializer, request)
            return services.pickup_request_create(
                organisation=request_organisation(request),
                requested_by=request.user if request.user.is_authenticated else None, **data)
        return _pickup_command(request, make, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.PickupSerializer, description=(
        "Cancel a pending or planned pickup; any other status answers 409 "
        "`invalid_state`."))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return _pickup_command(
            request, lambda: services.pickup_request_cancel(pickup=self.get_object()))


@extend_schema_view(
    list=extend_schema(description=(
        "The pickups on your routes of applied planning runs; filter by `day` and "
        "`status`.")),
    retrieve=extend_schema(description=(
        "One pickup on your routes; a pickup on no route of yours answers 404.")),
)
class CollectorPickupViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    serializer_class = s.CollectorPickupSerializer
    filterset_fields = ["day", "status"]

    def get_queryset(self):
        # Checked here, not as a permission, so that a wrong method still answers 405.
        if getattr(self, "swagger_fake_view", False):  # the schema only wants the model
            return PickupRequest.objects.none()
        organisation = request_organisation(self.request)
        if organisation is None or organisation.kind != Organisation.Kind.WASTE_COLLECTOR:
            raise PermissionDenied(_("Only a waste collector has pickups on its routes."))
        return selectors.pickups_on_routes_of(organisation).order_by(
            "day", "window_start", "pk")

    @extend_schema(request=s.PickupCollectedSerializer, responses=s.CollectorPickupSerializer,
                   description=(
                       "Report the pickup collected, with the amount in `litres` or `kg` (or "
                       "both). Only a planned pickup can be collected: otherwise 409 "
                       "`invalid_state`."))
    @action(detail=True, methods=["post"])
    def collected(self, request, pk=None):
        def collect():
            data = _valid(s.PickupCollectedSerializer, request)
            return services.pickup_collected(pickup=self.get_object(), litres=data.get("litres"),
                                             kg=data.get("kg"))
        return _pickup_command(request, collect, output=s.CollectorPickupSerializer)

    @extend_schema(request=s.PickupMissedSerializer, responses=s.CollectorPickupSerializer,
                   description=(
                       "Report the pickup missed, with a `reason` code and a `note` (required "
                       "for `other`). Only a planned pickup can be missed: otherwise 409 "
                       "`invalid_state`."))
    @action(detail=True, methods=["post"])
    def missed(self, request, pk=None):
        def miss():
            data = _valid(s.PickupMissedSerializer, request)
            return services.pickup_missed(pickup=self.get_object(), reason=data["reason"],
                                          note=data.get("note", ""))
        return _pickup_command(request, miss, output=s.CollectorPickupSerializer)
