"""Rule changes reach the booker: bookings that new windows or a closure no longer allow.

One service for every path that changes a bay's rules (the console's windows and closures,
the admin's closures and window inlines): after the change is written, inside its
transaction, each standing booking it hits is marked affected with the reason and the
alternatives still free, and its booker is told once (bookings/events.py). A booking
already marked is not told again, so saving the same rules twice tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from places import localtime
from places.models import Closure, LoadingBay

from . import errors
from . import events as booking_events
from .models import Booking
from .selectors import bay_days

#: a refusal of the rules that means the bay is closed; any other means the windows changed
_CLOSED = errors.BayClosed


def rules_refusals(candidates, *, now=None) -> list[tuple[Booking, str]]:
    """Of these bookings, the standing ones (not over) whose time the bays' current windows and
    closures no longer allow, each with the reason (Booking.AffectedReason), in start order.

    The rules are read from the database (not the cache), as this transaction sees them.
    """
    now = now or localtime.now()
    standing = [b for b in candidates if b.is_occupying and b.end > now]
    by_day: dict[dt.date, list[Booking]] = defaultdict(list)
    for booking in standing:
        by_day[booking.start.astimezone(localtime.LOCAL).date()].append(booking)
    hits = []
    for day, bookings in sorted(by_day.items()):
        bays = {booking.bay_id: booking.bay for booking in bookings}
        days = bay_days(bays.values(), day)
        for booking in bookings:
            refused = days[booking.bay_id].rules_refusal(
                localtime.minute_of_day(day, booking.start),
                localtime.minute_of_day(day, booking.end), booking.zero_emission)
            if refused is not None:
                hits.append((booking, _reason(refused)))
    return sorted(hits, key=lambda hit: (hit[0].start, hit[0].pk))


def _reason(refused: errors.BookingError) -> str:
    if isinstance(refused, _CLOSED):
        return Booking.AffectedReason.BAY_CLOSED
    return Booking.AffectedReason.WINDOW_CHANGED


def standing_bookings(bays, *, now=None):
    """Occupying bookings at these bays that are not over yet, with what the checks read."""
    now = now or localtime.now()
    return (Booking.objects.occupying().filter(bay__in=bays, end__gt=now)
            .select_related("bay__zone", "organisation").order_by("start", "pk"))


def bays_of(*, zone=None, bay=None):
    """The bays whose rules a zone's or a bay's windows make."""
    if bay is not None:
        return LoadingBay.objects.filter(pk=bay.pk)
    return LoadingBay.objects.filter(zone=zone)


def rules_changed_announce(bays, *, now=None, closure: Closure | None = None) -> list:
    """Mark and tell every standing booking at these bays that the current rules no longer
    allow. Call it in the transaction that changed the rules, after the change.

    Returns the notifications made: one per booking newly marked, none for one marked before.
    """
    now = now or localtime.now()
    return announce_hits(rules_refusals(standing_bookings(bays, now=now), now=now), now=now,
                         closure=closure)


def announce_hits(hits, *, now, closure: Closure | None = None) -> list:
    from places.services import booking_alternatives

    notifications = []
    with transaction.atomic():
        for booking, reason in hits:
            current = _lock_unmarked(booking)
            if current is None:
                continue
            current.affected_at, current.affected_reason = now, reason
            current.affected_alternatives = booking_alternatives(current, now=now)
            current.save(update_fields=["affected_at", "affected_reason",
                                        "affected_alternatives", "updated_at"])
            notifications.append(booking_events.booking_affected(current, closure=closure))
    return notifications


def _lock_unmarked(booking: Booking) -> Booking | None:
    """The booking's row, locked, if it still stands and was not marked yet; else None.

    Decided under the lock, so two saves at once (or a retried request) mark it once.
    """
    current = (Booking.objects.select_for_update(of=("self",))
               .select_related("bay__zone", "organisation").get(pk=booking.pk))
    if current.affected_at is not None or not current.is_occupying:
        return None
    return current


def closure_announce(closure: Closure, *, now=None) -> list:
    """Announce a saved closure once: re-plan the collectors' stops at its bays, then mark and
    tell every booking it still hits.

    The closure is claimed with a conditional update of `announced_at`, so two admins
    pressing the button at once (or a retried request) announce it once. Returns the
    notifications made (none when it was announced before).
    """
    from hubs.services.replanning import replan_for_closure
    from places.services import closure_hits

    now = now or localtime.now()
    with transaction.atomic():
        claimed = Closure.objects.filter(pk=closure.pk, announced_at__isnull=True).update(
            announced_at=now)
        if not claimed:
            return []
        closure.announced_at = now
        replan_for_closure(closure, now=now)
        return announce_hits(rules_refusals(closure_hits(closure, now=now), now=now), now=now,
                             closure=closure)


def closure_save(closure: Closure, *, now=None) -> list:
    """Save a new or changed closure and announce what it hits, in one transaction; the
    console and the admin both save closures here. Returns the notifications made.

    A new closure is announced as a whole (once); a changed one marks and tells the
    bookings that the change newly hits (bookings marked before are not told again).
    """
    from hubs.services.replanning import replan_for_closure
    from places.services import closure_bays

    now = now or localtime.now()
    closure.full_clean()
    with transaction.atomic():
        closure.save()
        if closure.announced_at is None:
            return closure_announce(closure, now=now)
        replan_for_closure(closure, now=now)
        return rules_changed_announce(closure_bays(closure), now=now, closure=closure)


# --- Taking an offered alternative ------------------------------------------------------------

#: refusals meaning that the offered bay and time were taken or closed since they were offered
NO_LONGER_FREE = (errors.BayFull, errors.BayClosed, errors.OutsideWindow,
                  errors.ZeroEmissionOnly, errors.BayInactive)


def offered(booking: Booking, *, bay_id: int, start: dt.datetime) -> dict | None:
    """The alternative offered to this booking at this bay and start, or None."""
    for option in booking.affected_alternatives or []:
        if option.get("bay_id") == bay_id and dt.datetime.fromisoformat(option["start"]) == start:
            return option
    return None


def booking_accept_alternative(*, booking: Booking, bay: LoadingBay, start: dt.datetime,
                               now=None) -> Booking:
    """Move an affected booking to one of the alternatives it was offered, by one action.

    The move is an ordinary reschedule, so every rule applies; whether the alternative was
    offered is checked again on the locked row, so a second accept refuses.
    """
    option = offered(booking, bay_id=bay.pk, start=start) if start.tzinfo else None
    if option is None:
        raise errors.AlternativeNotOffered()

    def still_offered(current: Booking) -> None:
        if offered(current, bay_id=bay.pk, start=start) is None:
            raise errors.AlternativeNotOffered()

    from .services import booking_reschedule

    try:
        return booking_reschedule(booking=booking, start=start,
                                  end=dt.datetime.fromisoformat(option["end"]), bay=bay,
                                  now=now, guard=still_offered)
    except NO_LONGER_FREE as exc:
        raise errors.AlternativeNoLongerFree() from exc
