"""What the dashboard shows: plain tables computed from bookings, requests and runs.

Every table is a `Table` (headers and rows of plain values), so the page, the
SVG chart and the CSV export show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from bookings.models import AllocationRun, Booking, BookingRequest
from places import localtime
from places.models import LoadingBay

HOURS = range(6, 22)
# Bookings that used the kerb (a no-show held it, but nobody stood there).
USED = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN, Booking.Status.COMPLETED)


@dataclass
class Table:
    name: str
    title: str
    headers: list
    rows: list[list] = field(default_factory=list)


@dataclass
class Dashboard:
    start_day: dt.date
    end_day: dt.date
    summary: dict
    tables: dict[str, Table]
    bundling: dict | None


def dashboard(*, municipality, start_day: dt.date, end_day: dt.date, zone=None) -> Dashboard:
    """The numbers for one municipality (or everything, None) and optionally one zone."""
    bays = LoadingBay.objects.select_related("zone").order_by("code")
    if municipality is not None:
        bays = bays.filter(zone__municipality=municipality)
    if zone is not None:
        bays = bays.filter(zone=zone)
    bays = list(bays)
    first = localtime.day_start(start_day)
    last = localtime.day_start(end_day + dt.timedelta(days=1))
    bookings = list(Booking.objects.filter(bay__in=bays, start__gte=first, start__lt=last)
                    .only("bay_id", "start", "end", "status", "zero_emission"))
    zone_ids = {bay.zone_id for bay in bays}
    requests = BookingRequest.objects.filter(zone__in=zone_ids, day__gte=start_day,
                                             day__lte=end_day)
    runs = AllocationRun.objects.filter(zone__in=zone_ids, day__gte=start_day, day__lte=end_day)
    tables = {
        "bookings_per_day": bookings_per_day(bookings, start_day, end_day),
        "utilisation": utilisation(bookings, bays, start_day, end_day),
        "requests": requests_by_status(requests),
        "refusals": refusals_by_reason(requests),
        "allocation_runs": allocation_gain(runs.select_related("zone").order_by("day", "pk")),
    }
    return Dashboard(start_day, end_day, summary(bookings), tables,
                     bundling(municipality, start_day, end_day))


def summary(bookings) -> dict:
    held = [b for b in bookings if b.status != Booking.Status.CANCELLED]
    clean = sum(1 for b in held if b.zero_emission)
    no_shows = sum(1 for b in held if b.status == Booking.Status.NO_SHOW)
    return {
        "bookings": len(held),
        "cancelled": len(bookings) - len(held),
        "zero_emission": clean,
        "zero_emission_share": _share(clean, len(held)),
        "no_shows": no_shows,
        "no_show_share": _share(no_shows, len(held)),
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(start_day, end_day):
    day = start_day
    while day <= end_day:
        yield day
        day += dt.timedelta(days=1)


def bookings_per_day(bookings, start_day, end_day) -> Table:
    counts = defaultdict(Counter)
    for booking in bookings:
        day = booking.start.astimezone(localtime.LOCAL).date()
        if booking.status == Booking.Status.CANCELLED:
            counts[day]["cancelled"] += 1
            continue
        counts[day]["bookings"] += 1
        counts[day]["zero_emission"] += booking.zero_emission
        counts[day]["no_shows"] += booking.status == Booking.Status.NO_SHOW
    table = Table("bookings_per_day", _("Bookings per day"),
                  [_("day"), _("bookings"), _("zero-emission"), _("no-shows"), _("cancelled")])
    for day in _days(start_day, end_day):
        c = counts[day]
        table.rows.append([day.isoformat(), c["bookings"], c["zero_emission"], c["no_shows"],
                           c["cancelled"]])
    return table


def utilisation(bookings, bays, start_day, end_day) -> Table:
    """Per bay and hour: booked vehicle-minutes as a percentage of what the bay could hold.

    A bay holding `max_vehicles` at once offers 60 × max_vehicles vehicle-minutes
    in an hour of each day in the period.
    """
    used = defaultdict(Counter)
    for booking in bookings:
        if booking.status not in USED:
            continue
        day = booking.start.astimezone(localtime.LOCAL).date()
        first = localtime.minute_of_day(day, booking.start)
        last = localtime.minute_of_day(day, booking.end)
        for minute in range(first, last):
            used[booking.bay_id][minute // 60] += 1
    days = (end_day - start_day).days + 1
    table = Table("utilisation", _("Utilisation per bay and hour (%)"),
                  [_("bay"), *[f"{hour:02d}" for hour in HOURS]])
    for bay in bays:
        capacity = 60 * bay.max_vehicles * days
        table.rows.append([bay.code, *[round(100 * used[bay.pk][hour] / capacity, 1)
                                       for hour in HOURS]])
    return table


def requests_by_status(requests) -> Table:
    counts = Counter(requests.values_list("status", flat=True))
    table = Table("requests", _("Booking requests"), [_("status"), _("requests")])
    for status, label in BookingRequest.Status.choices:
        table.rows.append([str(label), counts.get(status, 0)])
    return table


def refusals_by_reason(requests) -> Table:
    reasons = Counter(
        requests.filter(status=BookingRequest.Status.REFUSED).values_list("refusal_reason",
                                                                          flat=True))
    table = Table("refusals", _("Requests refused, and why"), [_("reason"), _("requests")])
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        table.rows.append([reason or str(_("no reason recorded")), count])
    return table


def allocation_gain(runs) -> Table:
    """Each run beside first come, first served on the same requests."""
    table = Table("allocation_runs", _("Allocation runs and their gain over first come, first "
                                       "served"),
                  [_("zone"), _("day"), _("status"), _("requests"), _("served"),
                   _("served first come, first served"), _("extra served"), _("objective"),
                   _("first come, first served objective"), _("gain (%)")])
    for run in runs:
        gain = None
        if run.objective is not None and run.fcfs_objective:
            gain = round(100 * (run.objective - run.fcfs_objective) / run.fcfs_objective, 1)
        table.rows.append([run.zone.name, run.day.isoformat(), run.get_status_display(),
                           run.requests_count, run.served_count, run.fcfs_served_count,
                           run.served_count - run.fcfs_served_count, run.objective,
                           run.fcfs_objective, gain])
    return table


def bundling(municipality, start_day, end_day) -> dict | None:
    """The hubs app's bundling savings where it offers them; None until then."""
    try:
        from hubs.selectors import bundling_summary
    except ImportError:
        return None
    return bundling_summary(municipality, start_day, end_day)
