"""Venster's places as CDS Curbs objects (Curbs API 1.0).

Mapping (see docs/cds.md):
- a loading bay is a Curb Zone: one stretch of kerb with one regulation;
- a Venster zone (a centre's zero-emission zone) is a Curb Area;
- a bay's room for `max_vehicles` vehicles is drawn as that many Curb Spaces;
- windows, the closed-outside-windows rule and closures are Policies.

Everything is loaded in a fixed number of queries per request, whatever the
number of bays, and built in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min

from bookings.selectors import bay_days, to_cm
from places import localtime
from places.geojson import right_hand_rule
from places.models import Closure, LoadingBay, TimeWindow, Zone

from . import geo, ids
from .query import CurbQuery, to_millis

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Objects without a history row (loaded outside the ORM) are dated here, so ids and
# dates stay stable from one request to the next.
FALLBACK_DATE = dt.datetime(2026, 1, 1, tzinfo=localtime.LOCAL)
PRIORITY_CLOSURE, PRIORITY_WINDOW, PRIORITY_BASE = 1, 10, 100
ZERO_EMISSION_CLASS = "zero_emission"


def _history_spans(model) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """pk -> (first, last) history date: when each object was published and last changed."""
    rows = model.history.model.objects.values("id").annotate(
        first=Min("history_date"), last=Max("history_date")
    )
    return {row["id"]: (row["first"], row["last"]) for row in rows}


@dataclass
class Policy:
    data: dict
    last_updated: dt.datetime

    @property
    def id(self) -> str:
        return self.data["curb_policy_id"]


@dataclass
class CurbData:
    """One consistent snapshot of zones, bays, windows and closures, with their dates."""

    zones: dict[int, Zone]
    bays: list[LoadingBay]
    windows: list[TimeWindow]
    closures: list[Closure]
    spans: dict[str, dict]
    policies: dict[str, Policy] = field(default_factory=dict)
    bay_policies: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, as_of: dt.datetime) -> CurbData:
        """Eight queries: four tables and their four histories."""
        day = as_of.astimezone(localtime.LOCAL).date()
        data = cls(
            zones={z.pk: z for z in Zone.objects.select_related("municipality")},
            bays=list(LoadingBay.objects.filter(is_active=True).order_by("pk")),
            # The version of the windows in force on that day (later ones are published on
            # the zone's rules page and in the API).
            windows=list(TimeWindow.objects.in_force_on(day).order_by("pk")),
            closures=list(Closure.objects.filter(end_date__gte=day).order_by("pk")),
            spans={name: _history_spans(model) for name, model in
                   [("zone", Zone), ("bay", LoadingBay), ("window", TimeWindow),
                    ("closure", Closure)]},
        )
        for bay in data.bays:
            bay.zone = data.zones[bay.zone_id]  # no query per bay
        data._build_policies()
        return data

    def first(self, kind: str, pk: int) -> dt.datetime:
        return self.spans[kind].get(pk, (FALLBACK_DATE, FALLBACK_DATE))[0]

    def last(self, kind: str, pk: int) -> dt.datetime:
        return self.spans[kind].get(pk, (FALLBACK_DATE, FALLBACK_DATE))[1]

    def last_updated(self) -> dt.datetime:
        dates = [span[1] for spans in self.spans.values() for span in spans.values()]
        return max(dates, default=FALLBACK_DATE)

    # --- policies ---------------------------------------------------------------
    def _add(self, kind: str, key, content: dict, published, last) -> str:
        policy_id = ids.content_id("curb-policy", f"{kind}:{key}", content)
        if policy_id not in self.policies:
            self.policies[policy_id] = Policy(
                {"curb_policy_id": policy_id, "published_date": to_millis(published), **content},
                last,
            )
        return policy_id

    def _build_policies(self) -> None:
        zone_windows, bay_windows = defaultdict(list), defaultdict(list)
        for window in self.windows:
            (bay_windows[window.bay_id] if window.bay_id else zone_windows[window.zone_id]).append(
                window
            )
        zone_closures, bay_closures = defaultdict(list), defaultdict(list)
        for closure in self.closures:
            target = bay_closures[closure.bay_id] if closure.bay_id else zone_closures[
                closure.zone_id]
            target.append(self._closure_policy(closure))
        for bay in self.bays:
            zone = bay.zone
            own = bay_windows.get(bay.pk, [])
            own_days = {w.weekday for w in own}
            windows = own + [w for w in zone_windows.get(zone.pk, []) if w.weekday not in own_days]
            self.bay_policies[bay.pk] = (
                bay_closures.get(bay.pk, []) + zone_closures.get(zone.pk, [])
                + [self._window_policy(w, zone) for w in windows]
                + [self._base_policy(zone)]
            )

    def _window_policy(self, window: TimeWindow, zone: Zone) -> str:
        rule = {
            "activity": "loading",
            "max_stay": zone.max_stay_minutes,
            "max_stay_unit": "minute",
            "x_venster_booking_required": True,
            "x_venster_zero_emission_only": window.zero_emission_only,
        }
        if window.zero_emission_only:
            rule["user_classes"] = [ZERO_EMISSION_CLASS]
        content = {
            "priority": PRIORITY_WINDOW,
            "rules": [rule],
            "time_spans": [{
                "days_of_week": [DAYS[window.weekday]],
                "time_of_day_start": window.start.strftime("%H:%M"),
                "time_of_day_end": window.end.strftime("%H:%M"),
            }],
        }
        return self._add("window", window.pk, content, self.first("window", window.pk),
                         max(self.last("window", window.pk), self.last("zone", zone.pk)))

    def _base_policy(self, zone: Zone) -> str:
        """Outside its windows a bay is no place to load (the windows take precedence)."""
        content = {"priority": PRIORITY_BASE, "rules": [{"activity": "no loading"}]}
        return self._add("zone-base", zone.pk, content, self.first("zone", zone.pk),
                         self.first("zone", zone.pk))

    def _closure_policy(self, closure: Closure) -> str:
        span = {
            "start_date": to_millis(localtime.day_start(closure.start_date)),
            "end_date": to_millis(localtime.day_start(closure.end_date + dt.timedelta(days=1))),
        }
        if closure.weekdays:
            span["days_of_week"] = [DAYS[d] for d in sorted(closure.weekdays)]
        if closure.start_time is not None:
            span["time_of_day_start"] = closure.start_time.strftime("%H:%M")
            span["time_of_day_end"] = closure.end_time.strftime("%H:%M")
        content = {
            "priority": PRIORITY_CLOSURE,
            "rules": [{"activity": "no loading", "x_venster_closure_reason": closure.reason}],
            "time_spans": [span],
        }
        return self._add("closure", closure.pk, content, self.first("closure", closure.pk),
                         self.last("closure", closure.pk))


# --- curb zones, areas, spaces ---------------------------------------------------
def bay_box(bay: LoadingBay) -> geo.BBox:
    return geo.rectangle(bay.latitude, bay.longitude, to_cm(bay.kerb_length_m))


def zone_box(zone: Zone, bays: list[LoadingBay]) -> geo.BBox | None:
    """The zone's drawn boundary, else the box around its bays."""
    box = geo.polygon_bbox(zone.boundary)
    if box is not None:
        return box
    for bay in bays:
        box = bay_box(bay) if box is None else box.union(bay_box(bay))
    return box


def curb_zone(data: CurbData, bay: LoadingBay, *, geometry: bool = True) -> dict:
    zone = bay.zone
    policy_ids = data.bay_policies[bay.pk]
    published = data.first("bay", bay.pk)
    last = max([data.last("bay", bay.pk), data.last("zone", zone.pk)]
               + [data.policies[p].last_updated for p in policy_ids])
    result = {
        "curb_zone_id": ids.curb_zone_id(bay.pk),
        "curb_policy_ids": policy_ids,
        "published_date": to_millis(published),
        "last_updated_date": to_millis(last),
        "start_date": to_millis(published),
        "name": f"{bay.code} {bay.street}".strip(),
        "user_zone_id": bay.code,
        "street_name": bay.street,
        "length": to_cm(bay.kerb_length_m),
        "curb_area_ids": [ids.curb_area_id(zone.pk)],
        "curb_space_ids": [ids.curb_space_id(bay.pk, n) for n in range(1, bay.max_vehicles + 1)],
        "x_venster_max_vehicle_length": min(to_cm(bay.max_vehicle_length_m),
                                            to_cm(zone.max_vehicle_length_m)),
        "x_venster_max_vehicle_mass": zone.max_vehicle_weight_kg,
        "x_venster_max_vehicles": bay.max_vehicles,
        "x_venster_zero_emission_zone": zone.zero_emission_zone,
    }
    if geometry:
        result["geometry"] = bay_box(bay).polygon()
    return result


def area_geometry(zone: Zone, box: geo.BBox) -> dict:
    """The zone's drawn boundary (turned the RFC 7946 way), else the box around its bays."""
    if geo.is_polygon(zone.boundary):
        return right_hand_rule(zone.boundary)
    return box.polygon()


def curb_area(data: CurbData, zone: Zone, bays: list[LoadingBay], box: geo.BBox) -> dict:
    last = max([data.last("zone", zone.pk)] + [data.last("bay", b.pk) for b in bays])
    return {
        "curb_area_id": ids.curb_area_id(zone.pk),
        "geometry": area_geometry(zone, box),
        "name": str(zone),
        "published_date": to_millis(data.first("zone", zone.pk)),
        "last_updated_date": to_millis(last),
        "curb_zone_ids": [ids.curb_zone_id(b.pk) for b in bays],
        "x_venster_zero_emission_zone": zone.zero_emission_zone,
        "x_venster_municipality": zone.municipality.cbs_code,
    }


def curb_spaces_of(data: CurbData, bay: LoadingBay, availability: dict | None) -> list[dict]:
    """A bay's room for `max_vehicles` vehicles as that many equal, numbered spaces."""
    count = bay.max_vehicles
    length = to_cm(bay.kerb_length_m) // count
    slices = geo.split_east_west(bay_box(bay), count)
    spaces = []
    for number, box in enumerate(slices, start=1):
        space = {
            "curb_space_id": ids.curb_space_id(bay.pk, number),
            "geometry": box.polygon(),
            "name": f"{bay.code} {number}",
            "published_date": to_millis(data.first("bay", bay.pk)),
            "last_updated_date": to_millis(data.last("bay", bay.pk)),
            "curb_zone_id": ids.curb_zone_id(bay.pk),
            "space_number": number,
            "length": length,
        }
        if availability is not None:
            free, at = availability[bay.pk]
            space["available"] = number <= free
            space["availability_time"] = to_millis(at)
        spaces.append(space)
    return spaces


def availability(bays: list[LoadingBay], at: dt.datetime) -> dict[int, tuple[int, dt.datetime]]:
    """Per bay: how many places are free at `at` (0 when closed or outside every window).

    Three queries for all bays (the same BayDay model as the booking check).
    """
    day = at.astimezone(localtime.LOCAL).date()
    minute = localtime.minute_of_day(day, at)
    days = bay_days(bays, day)
    result = {}
    for bay in bays:
        bay_day = days[bay.pk]
        usable = (0 <= minute < bay_day.minutes and bay_day.open_to_clean[minute]
                  and not bay_day.closed[minute])
        result[bay.pk] = (max(0, bay.max_vehicles - bay_day.count[minute]) if usable else 0, at)
    return result


# --- filters --------------------------------------------------------------------
def select(items, box_of, query: CurbQuery):
    """Items (with their boxes) inside the bounding box and the radius, nearest first."""
    chosen = []
    for item in items:
        box = box_of(item)
        if box is None:
            continue
        if query.bbox is not None and not box.intersects(query.bbox):
            continue
        distance = 0.0
        if query.point is not None:
            distance = box.distance_cm(query.point.lat, query.point.lng)
            if distance > query.point.radius_cm:
                continue
        chosen.append((distance, item))
    if query.point is not None:
        chosen.sort(key=lambda pair: pair[0])
    return [item for _, item in chosen]


def valid_at(data: CurbData, bay: LoadingBay, time: dt.datetime | None) -> bool:
    """A curb zone is valid from its publication on; Venster does not publish retired bays.

    Compared in whole milliseconds, the precision of both `start_date` and `time`: the
    stored date has microseconds, and a client that asks for exactly the published
    `start_date` must find the zone (start_date is inclusive, general-information.md,
    Range Boundaries).
    """
    return time is None or to_millis(data.first("bay", bay.pk)) <= to_millis(time)


def query_zones(data: CurbData, query: CurbQuery) -> list[dict]:
    bays = [b for b in data.bays if valid_at(data, b, query.time)]
    if query.area is not None:
        bays = [b for b in bays if ids.curb_area_id(b.zone_id) == query.area]
    bays = select(bays, bay_box, query)
    return [curb_zone(data, bay, geometry=query.include_geometry) for bay in bays]


def find_zone(data: CurbData, curb_zone_id: str, time: dt.datetime | None) -> dict | None:
    for bay in data.bays:
        if ids.curb_zone_id(bay.pk) == curb_zone_id and valid_at(data, bay, time):
            return curb_zone(data, bay)
    return None


def query_areas(data: CurbData, query: CurbQuery) -> list[dict]:
    by_zone = defaultdict(list)
    for bay in data.bays:
        by_zone[bay.zone_id].append(bay)
    boxes = {pk: zone_box(zone, by_zone.get(pk, [])) for pk, zone in data.zones.items()}
    zones = select(list(data.zones.values()), lambda z: boxes[z.pk], query)
    return [curb_area(data, z, by_zone.get(z.pk, []), boxes[z.pk]) for z in zones]


def query_spaces(data: CurbData, query: CurbQuery, *, now: dt.datetime) -> list[dict]:
    bays = data.bays
    if query.zone is not None:
        bays = [b for b in bays if ids.curb_zone_id(b.pk) == query.zone]
    free = availability(bays, query.time or now) if bays else {}
    spaces = [space for bay in bays for space in curb_spaces_of(data, bay, free)]
    by_id = {s["curb_space_id"]: s for s in spaces}
    boxes = {s["curb_space_id"]: geo.polygon_bbox(s["geometry"]) for s in spaces}
    chosen = select(list(by_id), lambda sid: boxes[sid], query)
    return [by_id[sid] for sid in chosen]


def query_policies(data: CurbData, query: CurbQuery) -> list[dict]:
    policies = [p.data for p in data.policies.values()]
    if query.ids is not None:
        policies = [p for p in policies if p["curb_policy_id"] in query.ids]
    return policies
