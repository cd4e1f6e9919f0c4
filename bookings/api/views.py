"""Carriers' bookings API: reads are declarative, commands are explicit actions on services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.viewsets import VensterAPIMixin
from bookings import affected, recurring, services, waitlist
from bookings import requests as booking_requests
from bookings.models import Booking, BookingRequest, BookingSeries, WaitlistEntry
from bookings.nearest import locate_address, nearest_free_starts
from bookings.selectors import availability

from . import serializers as s
from .filters import BookingFilter, BookingRequestFilter, WaitlistFilter


def _valid(serializer_class, data, request):
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer, serializer.validated_data


class OwnedViewSet(VensterAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Lists and reads only the caller's organisation's rows: another's id answers 404."""

    def _command(self, request, operation, output=None, status_code=status.HTTP_200_OK):
        """Run a POST command and answer with its result (once per Idempotency-Key, as every
        POST: VensterAPIMixin sees to it)."""
        output = output or self.get_serializer_class()
        return Response(output(operation(), context={"request": request}).data,
                        status=status_code)


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's bookings, by start time. Filter by local days "
        "(`date_from`, `date_to`, both inclusive), `bay`, `vehicle` and `status`.")),
    retrieve=extend_schema(description=(
        "One of your organisation's bookings by its reference; another organisation's "
        "reference answers 404.")),
)
class BookingViewSet(OwnedViewSet):
    serializer_class = s.BookingSerializer
    filterset_class = BookingFilter
    lookup_field = "reference"
    ordering_fields = ["start", "created_at"]
    ordering = ["start"]

    def get_queryset(self):
        return Booking.objects.filter(organisation=self.organisation).select_related("bay")

    @extend_schema(request=s.BookingCreateSerializer, responses={201: s.BookingSerializer},
                   description=(
                       "Book a bay now, first come first served: name one of your vehicles or "
                       "give a length and whether it is zero-emission. A full bay answers 409 "
                       "`bay_full`; a rule the booking breaks (window, closure, length, "
                       "zero-emission) answers 422 with its `code`."))
    def create(self, request):
        """Book a bay now (first come, first served); 409 bay_full when there is no room."""
        def book():
            serializer, data = _valid(s.BookingCreateSerializer, request.data, request)
            facts = {} if data.get("vehicle") else serializer.declared_vehicle(data)
            return services.booking_create(
                bay=data["bay"], organisation=self.organisation, start=data["start"],
                end=data["end"], vehicle=data.get("vehicle"), note=data.get("note", ""),
                channel=Booking.Channel.API, booked_by=_user(request), **facts,
            )
        return self._command(request, book, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.RescheduleSerializer, responses=s.BookingSerializer,
                   description=(
                       "Move a confirmed booking to another time (and bay), checked like a "
                       "new booking; when the new time is refused the booking stays where it "
                       "was."))
    @action(detail=True, methods=["post"])
    def reschedule(self, request, reference=None):
        def move():
            _serializer, data = _valid(s.RescheduleSerializer, request.data, request)
            return services.booking_reschedule(booking=self.get_object(), start=data["start"],
                                               end=data["end"], bay=data.get("bay"))
        return self._command(request, move)

    @extend_schema(request=s.AcceptAlternativeSerializer, responses=s.BookingSerializer,
                   description=(
                       "Move a booking that a rule change affected to one of the "
                       "`alternatives` it was offered (bay and start as offered). The move is "
                       "a reschedule, so every rule applies. A bay and start that were not "
                       "offered answer 422 `alternative_not_offered`; an offer taken or "
                       "closed since answers 409 `alternative_no_longer_free`."))
    @action(detail=True, methods=["post"], url_path="accept-alternative")
    def accept_alternative(self, request, reference=None):
        def move():
            _serializer, data = _valid(s.AcceptAlternativeSerializer, request.data, request)
            return affected.booking_accept_alternative(
                booking=self.get_object(), bay=data["bay"], start=data["start"])
        return self._command(request, move)

    @extend_schema(request=None, responses=s.BookingSerializer,
                   description=(
                       "Cancel a confirmed booking; the freed time is offered to the bay's "
                       "waitlist. Any other status answers 409 `invalid_state`."))
    @action(detail=True, methods=["post"])
    def cancel(self, request, reference=None):
        return self._command(request, lambda: services.booking_cancel(booking=self.get_object()))

    @extend_schema(request=None, responses=s.BookingSerializer,
                   description="Report that the vehicle has arrived at the bay for this booking.")
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, reference=None):
        return self._command(request,
                             lambda: services.booking_check_in(booking=self.get_object()))

    @extend_schema(request=None, responses=s.BookingSerializer,
                   description=(
                       "Report that the vehicle has left the bay; the booking is completed."))
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, reference=None):
        return self._command(request,
                             lambda: services.booking_check_out(booking=self.get_object()))


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's booking requests for batch allocation, by day; filter by `day`, "
        "`zone` (slug) and `status`.")),
    retrieve=extend_schema(description="One of your organisation's booking requests."),
)
class BookingRequestViewSet(OwnedViewSet):
    serializer_class = s.BookingRequestSerializer
    filterset_class = BookingRequestFilter
    lookup_field = "reference"
    ordering_fields = ["day", "created_at"]
    ordering = ["day", "created_at"]

    def get_queryset(self):
        return (BookingRequest.objects.filter(organisation=self.organisation)
                .select_related("zone", "booking").prefetch_related("bays"))

    @extend_schema(request=s.BookingRequestCreateSerializer,
                   responses={201: s.BookingRequestSerializer},
                   description=(
                       "Ask for a time at one of several bays on a day; requests are allocated "
                       "together after the zone's cut-off the day before. After the cut-off "
                       "the request is refused with 422 `after_cutoff`: book instantly "
                       "instead."))
    def create(self, request):
        """Submit a request for the zone's next batch allocation (before its cut-off)."""
        def submit():
            serializer, data = _valid(s.BookingRequestCreateSerializer, request.data, request)
            facts = {} if data.get("vehicle") else serializer.declared_vehicle(data)
            return booking_requests.request_submit(
                organisation=self.organisation, zone=data["zone"],
                earliest_start=data["earliest_start"], latest_end=data["latest_end"],
                preferred_start=data.get("preferred_start"),
                duration_minutes=data["duration_minutes"], bays=data["bays"],
                vehicle=data.get("vehicle"), weight=data["weight"],
                channel=Booking.Channel.API, submitted_by=_user(request),
                address_latitude=data.get("address_latitude"),
                address_longitude=data.get("address_longitude"), **facts,
            )
        return self._command(request, submit, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.BookingRequestSerializer,
                   description="Withdraw a pending request before it is allocated.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, reference=None):
        return self._command(
            request, lambda: booking_requests.request_withdraw(request=self.get_object()))

    @extend_schema(responses=s.RequestOutcomeSerializer, description=(
        "Pending, or allocated with its booking, or refused with the reason and "
        "alternatives."))
    @action(detail=True, methods=["get"])
    def outcome(self, request, reference=None):
        """Pending, or allocated with its booking, or refused with the reason and alternatives."""
        return Response(s.RequestOutcomeSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's waitlist entries, oldest first; filter by `bay` and `status`. "
        "Offers past their time are expired first.")),
    retrieve=extend_schema(description="One of your organisation's waitlist entries."),
)
class WaitlistViewSet(OwnedViewSet):
    serializer_class = s.WaitlistEntrySerializer
    filterset_class = WaitlistFilter
    ordering_fields = ["created_at", "start"]
    ordering = ["created_at"]

    def get_queryset(self):
        return WaitlistEntry.objects.filter(organisation=self.organisation)

    def list(self, request, *args, **kwargs):
        waitlist.expire_offers()  # on demand, besides the periodic task
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.WaitlistJoinSerializer, responses={201: s.WaitlistEntrySerializer},
                   description=(
                       "Wait for a full time at a bay; time that comes free is offered to the "
                       "first in line and held for them for a limited time to claim it."))
    def create(self, request):
        """Wait for a full time at a bay; a cancellation offers it to the first in line."""
        def join():
            serializer, data = _valid(s.WaitlistJoinSerializer, request.data, request)
            facts = {} if data.get("vehicle") else serializer.declared_vehicle(data)
            return waitlist.waitlist_join(organisation=self.organisation, bay=data["bay"],
                                          start=data["start"], end=data["end"],
                                          vehicle=data.get("vehicle"), **facts)
        return self._command(request, join, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: s.BookingSerializer}, description=(
        "Book the time an offer holds for you, before the offer expires. The booking goes "
        "through every rule; 409 `offer_not_open` once the offer is over."))
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Book the time the offer holds, before the offer expires."""
        return self._command(
            request, lambda: waitlist.waitlist_claim(entry=self.get_object(),
                                                     booked_by=_user(request)),
            output=s.BookingSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.WaitlistEntrySerializer,
                   description="Leave the waitlist (or decline an offer).")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._command(request,
                             lambda: waitlist.waitlist_withdraw(entry=self.get_object()))


@extend_schema_view(
    list=extend_schema(description=(
        "Your organisation's recurring bookings, newest first, each with its coming "
        "bookings and the dates that could not be booked (with the reason).")),
    retrieve=extend_schema(description=(
        "One of your organisation's recurring bookings; another organisation's id answers "
        "404.")),
)
class SeriesViewSet(OwnedViewSet):
    serializer_class = s.BookingSeriesSerializer
    ordering_fields = ["created_at", "first_day"]
    ordering = ["-created_at"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return BookingSeries.objects.filter(organisation=self.organisation).select_related(
            "bay")

    @extend_schema(request=s.SeriesChangeSerializer, responses=s.SeriesChangeResultSerializer,
                   description=(
                       "Change the series as a whole: start time, duration, bay or vehicle. "
                       "Each coming booking is moved as a reschedule is (the same rules); "
                       "those the change does not fit stay as they were and are listed in "
                       "`not_moved` with the refusal's code. Later dates follow the change. "
                       "An ended series answers 409 `series_ended`."))
    def partial_update(self, request, pk=None):
        _serializer, data = _valid(s.SeriesChangeSerializer, request.data, request)
        change = recurring.booking_series_change(series=self.get_object(), **data)
        change.series.refresh_from_db()
        return Response(s.SeriesChangeResultSerializer(
            {"series": change.series, "moved": change.moved, "not_moved": change.not_moved},
            context={"request": request}).data)

    @extend_schema(request=None, responses=s.SeriesEndResultSerializer, description=(
        "End the series: its coming bookings are cancelled (the freed time is offered to "
        "the waitlist) and no further dates are booked. Ending twice answers 409 "
        "`series_ended`."))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        def end_series():
            series = self.get_object()
            cancelled = recurring.booking_series_end(series=series)
            return {"series": series, "cancelled": cancelled}
        return self._command(request, end_series, output=s.SeriesEndResultSerializer)


class AvailabilityView(VensterAPIMixin, APIView):
    @extend_schema(parameters=[s.AvailabilityQuerySerializer],
                   responses=s.AvailabilitySerializer, description=(
                       "Free start times at one bay on one local day for a vehicle and a "
                       "stay."))
    def get(self, request):
        """Free start times at one bay on one local day for a vehicle and a stay."""
        serializer, data = _valid(s.AvailabilityQuerySerializer, request.query_params, request)
        facts = serializer.vehicle_facts(data)
        bay = data["bay"]
        found = availability(day=data["date"], duration_minutes=data["duration_minutes"],
                             bays=[bay], **facts)
        return Response(s.AvailabilitySerializer({
            "bay": bay.pk, "bay_code": bay.code, "date": data["date"],
            "duration_minutes": data["duration_minutes"],
            "starts": found[0].starts if found else [],  # an inactive bay has no free starts
        }).data)


class NearestAvailabilityView(VensterAPIMixin, APIView):
    @extend_schema(parameters=[s.NearestQuerySerializer],
                   responses=s.NearbyStartSerializer(many=True), description=(
                       "The nearest bays with a free start for a vehicle and stay between "
                       "`earliest` and `latest`, around a point or a street address."))
    def get(self, request):
        """The nearest bays with a free start for a vehicle and stay between earliest and latest."""
        serializer, data = _valid(s.NearestQuerySerializer, request.query_params, request)
        point = _point(data)
        if point is None:
            raise ValidationError({"address": [_("No bays are known on this street.")]},
                                  code="address_not_found")
        results = nearest_free_starts(
            latitude=point[0], longitude=point[1], radius_m=data["radius_m"],
            earliest=data["earliest"], latest=data["latest"],
            duration_minutes=data["duration_minutes"], limit=data["limit"],
            **serializer.vehicle_facts(data),
        )
        return Response(s.NearbyStartSerializer(results, many=True).data)


def _point(data):
    if data.get("latitude") is not None and data.get("longitude") is not None:
        return data["latitude"], data["longitude"]
    return locate_address(data["address"])


def _user(request):
    return request.user if request.user.is_authenticated else None


