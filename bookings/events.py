"""What the booking service tells the outside world, inside the change's own transaction.

The webhook outbox row and the notification commit or roll back with the change;
delivery is queued after the commit. Time a change frees is offered to the
waitlist after the commit (bookings.waitlist.offer_after_commit).
"""

from __future__ import annotations

from places import localtime

from .models import Booking


def booking_payload(booking: Booking) -> dict:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "bay": booking.bay.code,
        "bay_id": booking.bay_id,
        "start": booking.start.astimezone(localtime.LOCAL).isoformat(),
        "end": booking.end.astimezone(localtime.LOCAL).isoformat(),
        "vehicle_id": booking.vehicle_id,
        "plate": booking.plate,
    }


def booking_confirmed(booking: Booking) -> Booking:
    from webhooks.services import publish_event

    publish_event(booking.organisation, "booking.confirmed", booking_payload(booking))
    return booking


#: the webhook event announcing each status a booking can move to
STATUS_EVENTS = {
    Booking.Status.CANCELLED: "booking.cancelled",
    Booking.Status.CHECKED_IN: "booking.checked_in",
    Booking.Status.COMPLETED: "booking.checked_out",
    Booking.Status.NO_SHOW: "booking.no_show",
}


def status_changed(booking: Booking, *, now) -> None:
    """After a status change under lock: announce it, and offer any time it frees.

    A cancellation frees the booking's time, a no-show what is left of it, and a
    check-out before the end the rest: each goes to the first in the waitlist that fits.
    """
    from webhooks.services import publish_event

    from .waitlist import offer_after_commit

    publish_event(booking.organisation, STATUS_EVENTS[booking.status], booking_payload(booking))
    if booking.status == Booking.Status.NO_SHOW:
        _tell_no_show(booking)
    freed_from = _freed_from(booking, now)
    if freed_from is not None:
        offer_after_commit([booking.bay_id], freed_from, booking.end, now=now)


def _freed_from(booking: Booking, now):
    """From when the booking no longer holds its time, or None when it held it to the end."""
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.NO_SHOW):
        return max(booking.start, now)
    if booking.status == Booking.Status.COMPLETED and now < booking.end:
        return max(booking.start, now)
    return None


def _tell_no_show(booking: Booking) -> None:
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from notifications.services import notify

    with override(booking.organisation.preferred_language or None):
        start = booking.start.astimezone(localtime.LOCAL)
        notify(
            organisation=booking.organisation, kind="booking.no_show",
            title=_("No-show: booking %(reference)s at %(bay)s") % {
                "reference": booking.reference, "bay": booking.bay.code},
            body=_("Nobody checked in by %(time)s, so the rest of the time was released.")
            % {"time": localtime.later(start, booking.bay.zone.no_show_grace_minutes)
               .strftime("%H:%M")},
            payload=booking_payload(booking),
        )


def booking_rescheduled(booking: Booking, *, old_bay_id: int, old_start, old_end, now) -> None:
    """A booking moved: announce it and offer the time it left to the waitlist."""
    from webhooks.services import publish_event

    from .waitlist import offer_after_commit

    payload = booking_payload(booking) | {
        "previous": {"bay_id": old_bay_id,
                     "start": old_start.astimezone(localtime.LOCAL).isoformat(),
                     "end": old_end.astimezone(localtime.LOCAL).isoformat()}}
    publish_event(booking.organisation, "booking.rescheduled", payload)
    offer_after_commit([old_bay_id], max(old_start, now), old_end, now=now)


def waitlist_offered(entry) -> None:
    """An offer now holds its time for the entry: tell its organisation, in its language."""
    from django.utils.translation import gettext as _

    from notifications.services import in_language_of, notify
    from webhooks.services import publish_event

    from .waitlist import entry_payload

    payload = entry_payload(entry)
    start = entry.start.astimezone(localtime.LOCAL)
    with in_language_of(entry.organisation):
        notify(
            organisation=entry.organisation, kind="waitlist.offered",
            title=_("Room at bay %(bay)s on %(start)s") % {
                "bay": entry.bay.code, "start": f"{start:%d-%m %H:%M}"},
            body=_("Time came free for your waitlisted stay and is held for you. Claim it "
                   "before %(expires)s to book it.") % {
                "expires": f"{entry.offer_expires_at.astimezone(localtime.LOCAL):%H:%M}"},
            payload=payload,
        )
    publish_event(entry.organisation, "waitlist.offered", payload)


def waitlist_offer_expired(entry) -> None:
    """An offer ended unclaimed: its holder hears that the time went to the next in line."""
    from django.utils.translation import gettext as _

    from notifications.services import in_language_of, notify
    from webhooks.services import publish_event

    from .waitlist import entry_payload

    payload = entry_payload(entry)
    start = entry.start.astimezone(localtime.LOCAL)
    with in_language_of(entry.organisation):
        notify(
            organisation=entry.organisation, kind="waitlist.offer_expired",
            title=_("Offer expired: bay %(bay)s on %(start)s") % {
                "bay": entry.bay.code, "start": f"{start:%d-%m %H:%M}"},
            body=_("The held time was not claimed in time and is no longer held for you."),
            payload=payload,
        )
    publish_event(entry.organisation, "waitlist.offer_expired", payload)


def booking_affected(booking: Booking, *, closure=None):
    """A rule change no longer allows the booking's time (it is marked already): tell the
    booker once, in their language, with the alternatives offered, and send booking.affected.

    Returns the notification.
    """
    from django.urls import reverse

    from notifications.models import Notification
    from notifications.services import in_language_of, notify
    from webhooks.services import publish_event

    alternatives = booking.affected_alternatives
    payload = booking_payload(booking) | {
        "affected_reason": booking.affected_reason,
        "affected_at": booking.affected_at.astimezone(localtime.LOCAL).isoformat(),
        "alternatives": alternatives,
    }
    if closure is not None:
        from places.services import closure_summary

        payload["closure"] = closure_summary(closure)
    with in_language_of(booking.organisation):
        title, body = _affected_notice(booking, closure)
        notification = notify(
            organisation=booking.organisation,
            kind=(Notification.Kind.CLOSURE_ANNOUNCED if closure is not None
                  else Notification.Kind.BOOKING_AFFECTED),
            title=title, body=body, payload=payload,
            link=reverse("portal:booking", args=[booking.reference]),
        )
    publish_event(booking.organisation, "booking.affected", payload)
    return notification


def _affected_notice(booking: Booking, closure) -> tuple[str, str]:
    from django.utils.translation import gettext as _

    from places.services import alternatives_lines, closure_notice

    if closure is not None:
        return closure_notice(closure, booking, booking.affected_alternatives)
    start = booking.start.astimezone(localtime.LOCAL)
    title = _("The delivery windows of bay %(bay)s changed: booking %(reference)s") % {
        "bay": booking.bay.code, "reference": booking.reference}
    lines = [_("The bay is no longer open for your booking on %(day)s at %(time)s.")
             % {"day": start.strftime("%d-%m-%Y"), "time": start.strftime("%H:%M")}]
    return title, "\n".join(lines + alternatives_lines(booking.affected_alternatives))


def series_payload(series) -> dict:
    return {
        "series_id": series.pk,
        "bay": series.bay.code,
        "bay_id": series.bay_id,
        "weekdays": series.weekdays,
        "start_time": series.start_time.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "first_day": series.first_day.isoformat(),
        "until": series.until.isoformat(),
        "vehicle_id": series.vehicle_id,
        "ended": series.ended_at is not None,
    }


def _tell_series_owner(series, *, kind: str, title, body, payload: dict) -> None:
    """Write the series' event and its notification, in the owner's language."""
    from django.urls import reverse
    from django.utils.translation import override

    from notifications.services import notify
    from webhooks.services import publish_event

    publish_event(series.organisation, kind, payload)
    with override(series.organisation.preferred_language or None):
        notify(organisation=series.organisation, kind=kind, title=title(), body=body(),
               link=reverse("portal:series", args=[series.pk]), payload=payload)


def series_roll_forward_failed(series, not_booked: list[dict]) -> None:
    """Rolling forward could not book some dates: the owner hears which, and why."""
    from django.utils.translation import gettext as _

    _tell_series_owner(
        series, kind="series.roll_forward_failed",
        title=lambda: _("Recurring booking at %(bay)s: %(count)d dates not booked") % {
            "bay": series.bay.code, "count": len(not_booked)},
        body=lambda: "\n".join(f"{item['day']}: {item['message']}" for item in not_booked),
        payload=series_payload(series) | {"not_booked": not_booked},
    )


def series_changed(series, *, moved: list[str], not_moved: list[dict]) -> None:
    """A series was changed as a whole; the bookings that could not follow are listed."""
    from django.utils.translation import gettext as _

    _tell_series_owner(
        series, kind="series.changed",
        title=lambda: _("Recurring booking at %(bay)s changed") % {"bay": series.bay.code},
        body=lambda: "\n".join(
            [_("%(count)d bookings moved.") % {"count": len(moved)}]
            + [f"{item['reference']}: {item['message']}" for item in not_moved]),
        payload=series_payload(series) | {"moved": moved, "not_moved": not_moved},
    )


def series_ended(series, *, cancelled: list[str]) -> None:
    from django.utils.translation import gettext as _

    _tell_series_owner(
        series, kind="series.ended",
        title=lambda: _("Recurring booking at %(bay)s ended") % {"bay": series.bay.code},
        body=lambda: _("%(count)d coming bookings were cancelled.") % {"count": len(cancelled)},
        payload=series_payload(series) | {"cancelled": cancelled},
    )
