"""What the public rules page of a zone shows, read from the rules as they stand today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.translation import gettext as _

from .geojson import right_hand_rule
from .models import LoadingBay, TimeWindow, Weekday, Zone
from .selectors import (
    vehicle_limits_in_force,
    zone_vehicle_limits_in_force,
    zone_versions_ahead,
    zone_windows_in_force,
)


@dataclass(frozen=True)
class WeekdayWindows:
    label: str
    windows: list[TimeWindow]


@dataclass(frozen=True)
class VersionAhead:
    valid_from: dt.date
    week: list[WeekdayWindows]


def find_zone(key: str) -> Zone | None:
    """The zone by its slug, or by its number."""
    zones = Zone.objects.select_related("municipality")
    zone = zones.filter(slug=key).first()
    if zone is None and key.isdigit() and len(key) < 10:
        zone = zones.filter(pk=int(key)).first()
    return zone


def by_weekday(windows: list[TimeWindow]) -> list[WeekdayWindows]:
    return [WeekdayWindows(label, [w for w in windows if w.weekday == day])
            for day, label in Weekday.choices]


def rules_week(zone: Zone, today: dt.date) -> list[WeekdayWindows]:
    return by_weekday(zone_windows_in_force(zone.pk, today))


def rules_ahead(zone: Zone, today: dt.date) -> list[VersionAhead]:
    return [VersionAhead(day, by_weekday(windows))
            for day, windows in zone_versions_ahead(zone.pk, today)]


def active_bays(zone: Zone) -> list[LoadingBay]:
    return list(LoadingBay.objects.filter(zone=zone, is_active=True).select_related("zone")
                .order_by("code"))


def bay_rows(bays: list[LoadingBay], today: dt.date) -> list[tuple[LoadingBay, object]]:
    """Each bay with its longest vehicle today (its own limit or the zone's, dated or not)."""
    limits = vehicle_limits_in_force(bays, today)
    return [(bay, limits[bay.pk].max_length_m) for bay in bays]


def zone_limits(zone: Zone, today: dt.date):
    return zone_vehicle_limits_in_force(zone, today)


def bays_with_own_windows(zone: Zone, today: dt.date) -> set[int]:
    """Bays with windows of their own in force today or published ahead."""
    return set(TimeWindow.objects.not_ended(today).filter(bay__zone=zone)
               .values_list("bay_id", flat=True))


def map_data(zone: Zone, bays: list[LoadingBay]) -> dict:
    """What zone_rules.js draws: the boundary, the bays and the texts it may need."""
    return {
        "boundary": right_hand_rule(zone.boundary) or None,
        "bays": [{"lat": bay.latitude, "lon": bay.longitude, "code": bay.code,
                  "label": f"{bay.code} {bay.street} {bay.house_number}".strip()}
                 for bay in bays],
        "images": static("portal/leaflet/images/"),
        "offline": _("The map background could not load; the zone and its bays are drawn "
                     "without it, and listed below."),
    }
