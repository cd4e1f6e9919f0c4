"""The kerb now: per bay, how many vehicles stand there (checked in) and how many are
expected (a confirmed booking covers this moment but has not checked in yet).

This is what navigation and fleet tools read; it names no plate, organisation or
booking, only bays and counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from places.models import LoadingBay

from .models import Booking


@dataclass(frozen=True)
class BayOccupancy:
    bay: int
    code: str
    zone: int
    latitude: float
    longitude: float
    capacity: int
    occupied: int
    expected: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupied - self.expected)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "free": self.free}


def occupancy_now(now: dt.datetime, *, zone_id: int | None = None,
                  municipality_id: int | None = None) -> list[BayOccupancy]:
    """Every bay (of one zone or municipality if given) with its counts at ``now``: one
    query."""
    bays = LoadingBay.objects.all()
    if zone_id is not None:
        bays = bays.filter(zone_id=zone_id)
    if municipality_id is not None:
        bays = bays.filter(zone__municipality_id=municipality_id)
    standing = Q(bookings__status=Booking.Status.CHECKED_IN)
    expected = Q(bookings__status=Booking.Status.CONFIRMED, bookings__start__lte=now,
                 bookings__end__gt=now)
    rows = (bays.annotate(occupied=Count("bookings", filter=standing),
                          expected=Count("bookings", filter=expected))
            .order_by("pk")
            .values_list("pk", "code", "zone_id", "latitude", "longitude", "max_vehicles",
                         "occupied", "expected"))
    return [BayOccupancy(*row) for row in rows]


def changes(before: dict[int, BayOccupancy],
            after: list[BayOccupancy]) -> list[BayOccupancy]:
    """The bays whose counts differ from ``before`` (new bays included)."""
    return [bay for bay in after if before.get(bay.bay) != bay]
