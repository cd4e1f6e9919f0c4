"""Small schemas of the CDS 1.0 objects, written from the specification's field tables.

Sources: curbs/README.md (Curb Zone, Curb Area, Curb Space, Policy, Rule,
Time Span), events/README.md (Curb Event), general-information.md (REST
endpoint envelope, UUID, Timestamp, Polygon). Each field: (type, required).
Fields outside the specification must carry Venster's extension prefix.
"""

import re
import uuid

EXTENSION_PREFIX = "x_venster_"
R, O = True, False  # noqa: E741 - required, optional ("conditionally required" is checked as optional)

ACTIVITIES = {"parking", "no parking", "loading", "no loading", "unloading", "no unloading",
              "stopping", "no stopping", "travel", "no travel"}
UNITS = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
EVENT_TYPES = {"comms_lost", "comms_restored", "decommissioned", "park_start", "park_end",
               "scheduled_report", "enter_area", "exit_area"}
SOURCE_TYPES = {"data_feed", "camera", "above_ground", "in_ground", "meter", "payment",
                "in_person", "other"}
VEHICLE_TYPES = {"bicycle", "cargo_bicycle", "car", "scooter", "moped", "motorcycle", "truck",
                 "van", "freight", "other", "unspecified"}
PROPULSION = {"human", "electric_assist", "electric", "combustion"}

ENVELOPE = {
    "data": ("object", R), "version": ("string", R), "time_zone": ("string", R),
    "last_updated": ("timestamp", R), "currency": ("string", R), "author": ("string", O),
    "license_url": ("url", O), "links": ("object", O),
}
CURB_ZONE = {
    "curb_zone_id": ("uuid", R), "geometry": ("polygon", R), "curb_policy_ids": ("[uuid]", R),
    "prev_policies": ("list", O), "published_date": ("timestamp", R),
    "last_updated_date": ("timestamp", R), "prev_curb_zone_ids": ("[uuid]", O),
    "start_date": ("timestamp", R), "end_date": ("timestamp", O),
    "location_references": ("list", O), "name": ("string", O), "user_zone_id": ("string", O),
    "street_name": ("string", O), "cross_street_start_name": ("string", O),
    "cross_street_end_name": ("string", O), "length": ("integer", O),
    "available_space_lengths": ("[integer]", O), "availability_time": ("timestamp", O),
    "width": ("integer", O), "parking_angle": ("string", O), "num_spaces": ("integer", O),
    "street_side": ("string", O), "median": ("boolean", O), "entire_roadway": ("boolean", O),
    "curb_area_ids": ("[uuid]", O), "curb_space_ids": ("[uuid]", O),
    "wzdx_references": ("list", O),
}
CURB_AREA = {
    "curb_area_id": ("uuid", R), "geometry": ("polygon", R), "name": ("string", O),
    "published_date": ("timestamp", R), "last_updated_date": ("timestamp", R),
    "curb_zone_ids": ("[uuid]", R), "wzdx_references": ("list", O),
}
CURB_SPACE = {
    "curb_space_id": ("uuid", R), "geometry": ("polygon", R), "name": ("string", O),
    "published_date": ("timestamp", R), "last_updated_date": ("timestamp", R),
    "curb_zone_id": ("uuid", R), "space_number": ("integer", O), "length": ("integer", R),
    "width": ("integer", O), "available": ("boolean", O), "availability_time": ("timestamp", O),
    "wzdx_references": ("list", O),
}
POLICY = {
    "curb_policy_id": ("uuid", R), "published_date": ("timestamp", R), "priority": ("integer", R),
    "rules": ("[rule]", R), "time_spans": ("[time_span]", O),
    "data_source_operator_id": ("[uuid]", O),
}
RULE = {
    "activity": ("activity", R), "max_stay": ("integer", O), "max_stay_unit": ("unit", O),
    "no_return": ("integer", O), "no_return_unit": ("unit", O), "user_classes": ("[string]", O),
    "rate": ("list", O),
}
TIME_SPAN = {
    "start_date": ("timestamp", O), "end_date": ("timestamp", O), "days_of_week": ("[day]", O),
    "days_of_month": ("[integer]", O), "months": ("[integer]", O),
    "time_of_day_start": ("hh:mm", O), "time_of_day_end": ("hh:mm", O),
    "designated_period": ("string", O), "designated_period_except": ("boolean", O),
}
CURB_EVENT = {
    "event_id": ("uuid", R), "event_type": ("event_type", R), "event_purpose": ("string", O),
    "event_location": ("geojson_point", R), "event_time": ("timestamp", R),
    "event_publication_time": ("timestamp", R), "event_session_id": ("uuid", O),
    "curb_zone_id": ("uuid", O), "curb_area_ids": ("[uuid]", O), "curb_space_id": ("uuid", O),
    "data_source_type": ("source_type", R), "data_source_operator_id": ("uuid", O),
    "data_source_operator_name": ("string", O), "data_source_device_id": ("uuid", R),
    "data_source_manufacturer": ("string", O), "data_source_model": ("string", O),
    "sensor_status_is_commissioned": ("boolean", O), "sensor_status_is_online": ("boolean", O),
    "vehicle_id": ("string", O), "vehicle_license_plate": ("string", O),
    "vehicle_permit_number": ("string", O), "vehicle_length": ("integer", O),
    "vehicle_type": ("vehicle_type", O), "vehicle_propulsion_types": ("[propulsion]", O),
    "vehicle_blocked_lane_types": ("[string]", O), "curb_occupants": ("list", O),
    "actual_cost": ("integer", O),
}


def is_timestamp(value) -> bool:
    """Milliseconds since 1970: an integer between 2001 and 2286 in milliseconds."""
    return type(value) is int and 10**12 <= value < 10**13


def _is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_polygon(value) -> bool:
    if not isinstance(value, dict) or value.get("type") != "Polygon":
        return False
    ring = value["coordinates"][0]
    return (len(ring) >= 4 and ring[0] == ring[-1]
            and all(len(p) == 2 and all(isinstance(c, float | int) for c in p) for p in ring))


def _is_point_feature(value) -> bool:
    geometry = value.get("geometry", value) if isinstance(value, dict) else {}
    return geometry.get("type") == "Point" and len(geometry.get("coordinates", [])) == 2


CHECKS = {
    "object": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "url": lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
    "integer": lambda v: type(v) is int,
    "boolean": lambda v: type(v) is bool,
    "timestamp": is_timestamp,
    "uuid": _is_uuid,
    "polygon": _is_polygon,
    "geojson_point": _is_point_feature,
    "activity": lambda v: v in ACTIVITIES,
    "unit": lambda v: v in UNITS,
    "day": lambda v: v in DAYS,
    "hh:mm": lambda v: isinstance(v, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v),
    "event_type": lambda v: v in EVENT_TYPES,
    "source_type": lambda v: v in SOURCE_TYPES,
    "vehicle_type": lambda v: v in VEHICLE_TYPES,
    "propulsion": lambda v: v in PROPULSION,
    "rule": lambda v: not problems(v, RULE),
    "time_span": lambda v: not problems(v, TIME_SPAN),
}


def problems(obj: dict, schema: dict, *, skip: frozenset = frozenset()) -> list[str]:
    """Every way `obj` breaks `schema`: a missing required field, a wrong type, an unknown name."""
    found = []
    for name, (kind, required) in schema.items():
        if name in skip:
            continue
        if name not in obj:
            if required:
                found.append(f"missing {name}")
            continue
        value = obj[name]
        if kind.startswith("["):
            check = CHECKS[kind[1:-1]]
            ok = isinstance(value, list) and all(check(item) for item in value)
        else:
            ok = CHECKS[kind](value)
        if not ok:
            found.append(f"{name} is not {kind}: {value!r}")
    for name in obj:
        if name not in schema and not name.startswith(EXTENSION_PREFIX):
            found.append(f"unknown field {name}")
    return found
