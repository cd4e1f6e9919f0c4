"""The iCalendar feed of an organisation's bookings, for calendar apps to subscribe to.

The secret calendar token in the address is the only credential (calendar
apps cannot send headers); changing the token revokes old links.
"""

import datetime as dt

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from icalendar import Calendar, Event
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    renderer_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from bookings.models import Booking
from organisations.models import Organisation
from places import localtime

PAST_DAYS, FUTURE_DAYS = 30, 90
MIN_TOKEN_LENGTH = 20


def feed_bookings(organisation: Organisation):
    now = localtime.now()
    return (
        Booking.objects.filter(organisation=organisation)
        .filter(start__gte=localtime.later(now, -PAST_DAYS * 24 * 60),
                start__lte=localtime.later(now, FUTURE_DAYS * 24 * 60))
        .select_related("bay").order_by("start")
    )


def booking_event(booking: Booking) -> Event:
    event = Event()
    event.add("uid", f"{booking.reference}@venster")
    event.add("summary", f"{booking.bay.code} {booking.plate}".strip())
    event.add("location", f"{booking.bay.street} {booking.bay.house_number}".strip())
    event.add("geo", (booking.bay.latitude, booking.bay.longitude))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("status", _event_status(booking))
    description = f"{booking.reference} · {booking.get_status_display()}"
    if booking.is_affected:
        description += f" · {booking.get_affected_reason_display()}"
    event.add("description", description)
    return event


def _event_status(booking: Booking) -> str:
    """CANCELLED, TENTATIVE while a rule change no longer allows the booked time (the booker
    was offered alternatives), else CONFIRMED."""
    if booking.status == Booking.Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if booking.is_affected else "CONFIRMED"


def organisation_calendar(organisation: Organisation) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Venster//Bookings//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Venster – {organisation.name}")
    for booking in feed_bookings(organisation):
        calendar.add_component(booking_event(booking))
    return calendar.to_ical()


class ICalendarRenderer(BaseRenderer):
    """The feed is built as iCalendar bytes already; refusals are problem documents."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema(
    operation_id="calendar_feed",
    description=(
        "The organisation's bookings from 30 days ago to 90 days ahead as an iCalendar feed "
        "(RFC 5545) for calendar apps to subscribe to; cancelled bookings stay in it with "
        "STATUS:CANCELLED, and a booking that a rule change (windows, closure) no longer allows "
        "is STATUS:TENTATIVE with the reason in its description. The secret token in the "
        "address is the only credential (calendar apps cannot send headers): anyone with the "
        "address can read the feed, and changing the organisation's token revokes every old "
        "address. A wrong token answers 404."
    ),
    responses={(200, "text/calendar"): OpenApiResponse(
        response=OpenApiTypes.STR, description="An iCalendar (RFC 5545) VCALENDAR, UTF-8.")},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
@renderer_classes([ICalendarRenderer])
def calendar_feed(request, token: str):
    if len(token) < MIN_TOKEN_LENGTH or "\x00" in token:
        raise Http404
    organisation = Organisation.objects.filter(calendar_token=token).first()
    if organisation is None:
        raise Http404
    return Response(organisation_calendar(organisation),
                    content_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
