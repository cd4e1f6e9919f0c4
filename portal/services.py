"""The portal's flows: the domain services, sent once, with the confirmations they owe.

Views call these and nothing else that changes state. Each flow that books or
requests something runs inside `sent_once`, so a double click books once.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import recurring
from bookings.affected import booking_accept_alternative
from bookings.models import Booking
from bookings.services import booking_cancel, booking_create, booking_reschedule
from bookings.waitlist import waitlist_join
from notifications.models import Notification
from notifications.services import in_language_of, notify
from places import localtime

from .models import FormSubmission


class AlreadySent(Exception):
    """This form was sent before; nothing was done the second time."""


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


@contextmanager
def sent_once(*, token: str, organisation):
    """Run the block at most once per form token, in one transaction with the token row.

    The inner savepoint keeps the outer transaction usable after the unique
    violation; on PostgreSQL a concurrent second insert waits for the first
    transaction and then fails, so two quick clicks still book once.
    """
    if not token:
        raise AlreadySent()
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token[:64], organisation=organisation)
        except IntegrityError as exc:
            raise AlreadySent() from exc
        yield


def _when(booking: Booking) -> str:
    start = booking.start.astimezone(localtime.LOCAL)
    end = booking.end.astimezone(localtime.LOCAL)
    return f"{formats.date_format(start, 'l j F Y')} {start:%H:%M}–{end:%H:%M}"


def _notify_booking(booking: Booking, *, kind: str, title: str) -> None:
    with in_language_of(booking.organisation):
        notify(
            organisation=booking.organisation,
            kind=kind,
            title=str(title) % {"reference": booking.reference},
            body=_("%(bay)s, %(when)s.") % {"bay": booking.bay, "when": _when(booking)},
            link=reverse("portal:booking", args=[booking.reference]),
            payload={"reference": booking.reference},
        )


def book(*, token: str, organisation, user, **booking) -> Booking:
    """Book one stay from the portal and confirm it to the organisation."""
    with sent_once(token=token, organisation=organisation):
        created = booking_create(
            organisation=organisation, booked_by=user, channel=Booking.Channel.PORTAL, **booking
        )
        _notify_booking(
            created,
            kind=Notification.Kind.BOOKING_CONFIRMED,
            title=gettext_lazy("Booking %(reference)s confirmed"),
        )
    return created


def cancel(*, booking: Booking) -> Booking:
    with transaction.atomic():
        cancelled = booking_cancel(booking=booking)
        _notify_booking(
            cancelled,
            kind=Notification.Kind.BOOKING_CANCELLED,
            title=gettext_lazy("Booking %(reference)s cancelled"),
        )
    return cancelled


def reschedule(*, booking: Booking, start, end, bay) -> Booking:
    with transaction.atomic():
        moved = booking_reschedule(booking=booking, start=start, end=end, bay=bay)
        _notify_booking(
            moved,
            kind=Notification.Kind.BOOKING_CONFIRMED,
            title=gettext_lazy("Booking %(reference)s moved"),
        )
    return moved


def accept_alternative(*, booking: Booking, bay, start) -> Booking:
    """Move an affected booking to an alternative it was offered (every rule applies)."""
    with transaction.atomic():
        moved = booking_accept_alternative(booking=booking, bay=bay, start=start)
        _notify_booking(
            moved,
            kind=Notification.Kind.BOOKING_CONFIRMED,
            title=gettext_lazy("Booking %(reference)s moved"),
        )
    return moved


def book_series(*, token: str, organisation, user, **series) -> recurring.SeriesResult:
    """Book a recurring series; one notification sums up what was and was not booked."""
    with sent_once(token=token, organisation=organisation):
        result = recurring.booking_series_create(
            organisation=organisation, booked_by=user, **series
        )
        with in_language_of(organisation):
            notify(
                organisation=organisation,
                kind=Notification.Kind.BOOKING_CONFIRMED,
                title=_("Recurring booking: %(booked)d booked, %(missed)d not booked")
                % {"booked": len(result.booked), "missed": len(result.not_booked)},
                body="\n".join(
                    f"{item.day:%d-%m-%Y}: {item.message}" for item in result.not_booked
                ),
                link=reverse("portal:series", args=[result.series.pk]),
                payload={"series": result.series.pk},
            )
    return result


def join_waitlist(*, token: str, organisation, **wanted):
    """Join the waitlist for a full time from the portal, once per form."""
    with sent_once(token=token, organisation=organisation):
        return waitlist_join(organisation=organisation, **wanted)


def once(*, token: str, organisation, action, **kwargs):
    """Run any other creating service (a request, a pickup) at most once per form."""
    with sent_once(token=token, organisation=organisation):
        return action(organisation=organisation, **kwargs)
