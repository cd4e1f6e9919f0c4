"""Validate CDS answers against the official CDS 1.0 OpenAPI schemas, corrected by the spec text.

The schema files are the Open Mobility Foundation's OpenAPI description of the Curbs
and Events APIs, copied into conformance/ (see PROVENANCE.md there). The normative
text is the Curb Data Specification, tag 1.0.0; where the files contradict it, a
correction below changes the loaded schema, and its docstring quotes the passage it
follows ("gi" is general-information.md, "curbs" curbs/README.md, "events"
events/README.md; "l." is the line at tag 1.0.0). The files on disk stay verbatim.

One rule is Venster's own, not the specification's: a field that the specification
does not name must start with Venster's extension prefix (docs/cds.md).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from places.geojson import follows_right_hand_rule

ROOT = Path(__file__).parent / "conformance" / "cds-openapi-1.0"
OPERATORS = Path(__file__).parent / "conformance" / "data_source_operators.csv"
# A base address for the files, so that their relative $refs ("../Rest Responses/...")
# resolve to each other; nothing is fetched.
BASE = "file:///cds-openapi-1.0/"
CURBS_API, EVENTS_API = "APIs/Curbs API.yaml", "APIs/Events API.yaml"
MODELS = "Shared Data Models/"
EXTENSION_PREFIX = "x_venster_"

CURB_ZONE, CURB_AREA, CURB_SPACE = "curb_zone", "curb_area", "curb_space"
SESSION, AGGREGATE = "session", "aggregate"
POLICY, RULE, TIME_SPAN, CURB_EVENT = "curb_policy", "rules", "time_spans", "curb_event"

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
# gi l.229-243, Error Messages: error and error_description strings, error_details String[].
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "minLength": 1},
        "error_description": {"type": "string", "minLength": 1},
        "error_details": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["error", "error_description", "error_details"],
    "additionalProperties": False,
}


# --- corrections: each follows the specification's text ----------------------------------
def _response_schema(api: dict, path: str) -> dict:
    return api["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"]


def _responses(files: dict):
    for name in (CURBS_API, EVENTS_API):
        for path in files[name]["paths"]:
            yield name, path, _response_schema(files[name], path)


def list_data_is_an_object(files: dict) -> None:
    """curbs l.74, 96, 115, 136: "`data` Payload: a JSON object with a `zones` field containing
    an array of Curb Zone objects" (areas, spaces and policies alike). The OpenAPI types
    `data` as an array of such objects."""
    for name in ("zones", "areas", "spaces", "policies"):
        data = _response_schema(files[CURBS_API], f"/curbs/{name}")["properties"]["data"]
        listed = data["items"]["properties"][name]
        data.clear()
        data.update({"type": "object", "properties": {name: listed}, "required": [name]})


def last_updated_file_exists(files: dict) -> None:
    """gi l.256: `last_updated` is a Required timestamp of every response. Most Curbs API
    responses refer to `rest_response_last-updated.yaml`, which does not exist; the file is
    `rest_response_last_updated.yaml`."""
    for _name, _path, schema in _responses(files):
        field = schema["properties"]["last_updated"]
        field["$ref"] = field["$ref"].replace("last-updated", "last_updated")


def envelope_fields_are_required(files: dict) -> None:
    """gi l.249-259, REST Endpoints: `data`, `version`, `time_zone`, `last_updated` and
    `currency` are Required in every answer (the OpenAPI lists no required field)."""
    for _name, _path, schema in _responses(files):
        schema["required"] = ["data", "version", "time_zone", "last_updated", "currency"]


def events_are_paged_with_links(files: dict) -> None:
    """gi l.169-180, Pagination: JSON:API `links` (`first`, `last`, `prev`, `next`) next to
    `data`; "At a minimum, payloads that use pagination must include a `next` key, which
    must be set to `null` to indicate the last page of data"."""
    link = {"type": ["string", "null"], "format": "uri"}
    _response_schema(files[EVENTS_API], "/events/events")["properties"]["links"] = {
        "type": "object", "properties": dict.fromkeys(("first", "last", "prev", "next"), link),
        "required": ["next"], "additionalProperties": False,
    }


def timestamps_are_integers(files: dict) -> None:
    """gi l.276: "A timestamp is an integer representing a number of milliseconds since
    midnight, January 1st, 1970 UTC"; the OpenAPI types it as a number."""
    files[MODELS + "timestamp.yaml"]["type"] = "integer"


def ids_are_uuids(files: dict) -> None:
    """curbs l.338 (`curb_policy_id`: UUID), l.242 (`curb_policy_ids`: Array of UUIDs);
    events l.112 (`data_source_device_id`: UUID). The OpenAPI types them as any string."""
    files[MODELS + "curb_policy.yaml"]["properties"]["curb_policy_id"]["format"] = "uuid"
    files[MODELS + "curb_zone.yaml"]["properties"]["curb_policy_ids"]["items"]["format"] = "uuid"
    files[MODELS + "curb_event.yaml"]["properties"]["data_source_device_id"]["format"] = "uuid"


def polygons_are_rings_of_positions(files: dict) -> None:
    """gi l.141-144: "A polygon is a GeoJSON geometry of type "Polygon" as defined in RFC 7946
    3.1.6": an array of linear rings, each an array of four or more positions. The
    OpenAPI's `coordinates` has one array level too few. (That a ring is closed and turns
    the right way is checked by polygon_problems.)"""
    polygon = files[MODELS + "geoJSON_polygon.yaml"]["properties"]
    polygon["type"] = {"const": "Polygon"}
    polygon["coordinates"] = {"type": "array", "minItems": 1, "items": {
        "type": "array", "minItems": 4, "items": POSITION}}


def days_of_week_is_an_array(files: dict) -> None:
    """curbs l.463: `days_of_week` is an "Array of strings ... specified as 3-character
    strings"; l.466-467: `time_of_day_start`/`_end` are 24-hour "HH:MM" strings. The
    OpenAPI types `days_of_week` as one string."""
    span = files[MODELS + "time_spans.yaml"]["properties"]
    span["days_of_week"] = {"type": "array", "items": {
        "type": "string", "enum": span["days_of_week"]["enum"]}}
    for name in ("time_of_day_start", "time_of_day_end"):
        span[name]["pattern"] = r"^([01]\d|2[0-3]):[0-5]\d$"


def local_user_classes_are_allowed(files: dict) -> None:
    """curbs l.402: "New user classes MAY be generated to reflect local regulations"; the
    OpenAPI closes the list to the well-known values."""
    files[MODELS + "rules.yaml"]["properties"]["user_classes"]["items"] = {"type": "string"}


def event_fields_follow_the_event_table(files: dict) -> None:
    """events l.100: `event_type` is an Event Type (l.129-142) and Required; l.104:
    `event_publication_time` Required; l.120: `vehicle_length` an Integer; l.121:
    `vehicle_type` a Vehicle Type (l.163-179, which spells `bicycle`). The OpenAPI refers
    `event_type` to the Event Purpose enum, leaves out `vehicle_type` and misspells
    `bicyle`."""
    event = files[MODELS + "curb_event.yaml"]
    event["properties"]["event_type"] = {"$ref": "./event_type.yaml"}
    event["properties"]["vehicle_type"] = {"$ref": "./vehicle_type.yaml"}
    event["properties"]["vehicle_length"]["type"] = "integer"
    event["required"] += ["event_type", "event_publication_time"]
    vehicle_types = files[MODELS + "vehicle_type.yaml"]["enum"]
    vehicle_types[vehicle_types.index("bicyle")] = "bicycle"


def event_location_is_a_feature(files: dict) -> None:
    """gi l.108-113: a location measurement "must be represented as a GeoJSON Feature object
    with a corresponding properties object", whose `timestamp` is Required; events l.102
    and events/examples.md give `event_location` so. The OpenAPI has a bare Point."""
    files[MODELS + "curb_event.yaml"]["properties"]["event_location"] = {
        "type": "object",
        "properties": {
            "type": {"const": "Feature"},
            "properties": {"type": "object", "properties": {
                "timestamp": {"$ref": "./timestamp.yaml"}}, "required": ["timestamp"]},
            "geometry": {"type": "object", "properties": {
                "type": {"const": "Point"}, "coordinates": POSITION},
                "required": ["type", "coordinates"]},
        },
        "required": ["type", "properties", "geometry"],
    }


def operator_ids_come_from_the_registry(files: dict) -> None:
    """events l.110: `data_source_operator_id` values "come from the data_source_operators.csv
    file" of the specification (copied next to the schemas); the OpenAPI allows any UUID."""
    with OPERATORS.open(encoding="utf-8") as registered:
        known = [row["data_source_operator_id"] for row in csv.DictReader(registered)]
    files[MODELS + "operator_id.yaml"]["enum"] = known


def geometry_may_be_left_out_on_request(files: dict) -> None:
    """curbs l.87: with `include_geometry=false`, "do not include the `geometry` field
    within the Curb Zone"; only for answers to such a request."""
    zone = files[MODELS + "curb_zone.yaml"]
    zone["required"] = [name for name in zone["required"] if name != "geometry"]


def aggregates_follow_the_aggregate_table(files: dict) -> None:
    """metrics/README.md, Aggregate: every field is Required; the place's type is
    `curb_place_type`; `date` is a date, `hour` an integer and `value` a number. The file
    names the first `curb_space_type` and types `hour` and `value` as strings."""
    schema = files[MODELS + AGGREGATE + ".yaml"]
    properties = schema["properties"]
    properties["curb_place_type"] = dict(properties.pop("curb_space_type"), type="string")
    properties["metric_type"]["type"] = "string"
    properties["date"]["format"] = "date"
    properties["hour"] = {"type": "integer", "minimum": 0, "maximum": 23}
    properties["value"] = {"type": "number"}
    schema["required"] = ["curb_place_type", "curb_place_id", "metric_type", "date", "hour",
                          "value"]


def a_session_may_miss_its_end(files: dict) -> None:
    """metrics/README.md, Session, Event Types: "even if only one of these is present, the
    available data should be returned with the corresponding missing values of
    `event_id_X`, `event_location_X`, `event_time_X` returned as null". The ids are UUIDs
    (the Session table types them [UUID])."""
    properties = files[MODELS + SESSION + ".yaml"]["properties"]
    properties["session_type"]["type"] = "string"
    for end in ("start", "end"):
        properties[f"event_id_{end}"] = {"type": ["string", "null"], "format": "uuid"}
        for name in (f"event_location_{end}_latitude", f"event_location_{end}_longitude",
                     f"event_time_{end}"):
            properties[name] = {"anyOf": [{"$ref": properties[name]["$ref"]}, {"type": "null"}]}


CORRECTIONS = [
    list_data_is_an_object, last_updated_file_exists, envelope_fields_are_required,
    events_are_paged_with_links, timestamps_are_integers, ids_are_uuids,
    polygons_are_rings_of_positions, days_of_week_is_an_array, local_user_classes_are_allowed,
    event_fields_follow_the_event_table, event_location_is_a_feature,
    operator_ids_come_from_the_registry, aggregates_follow_the_aggregate_table,
    a_session_may_miss_its_end,
]


def only_known_or_extension_fields(files: dict) -> None:
    """Venster's rule (docs/cds.md, Extension fields): a field that CDS does not name starts
    with x_venster_, so a client can tell Venster's additions from a misspelt field."""
    objects = [files[MODELS + name + ".yaml"] for name in (
        CURB_ZONE, CURB_AREA, CURB_SPACE, POLICY, RULE, TIME_SPAN, CURB_EVENT, SESSION,
        AGGREGATE)]
    objects += [schema for _name, _path, schema in _responses(files)]
    for schema in objects:
        schema["patternProperties"] = {"^" + EXTENSION_PREFIX: {}}
        schema["additionalProperties"] = False


# --- loading and validating --------------------------------------------------------------
def _files() -> dict[str, dict]:
    return {str(path.relative_to(ROOT)): yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in ROOT.rglob("*.yaml")}


@functools.cache
def registry(*, include_geometry: bool = True) -> Registry:
    files = _files()
    for correct in CORRECTIONS:
        correct(files)
    if not include_geometry:
        geometry_may_be_left_out_on_request(files)
    only_known_or_extension_fields(files)
    return Registry().with_resources(
        (BASE + name, Resource.from_contents(contents, default_specification=DRAFT202012))
        for name, contents in files.items()
    )


def _errors(instance, schema: dict, *, include_geometry: bool = True) -> list[str]:
    validator = Draft202012Validator(schema, registry=registry(include_geometry=include_geometry),
                                     format_checker=FormatChecker())
    found = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
             for e in validator.iter_errors(instance)]
    return found + polygon_problems(instance)


def polygon_problems(value, where: str = "") -> list[str]:
    """RFC 7946 3.1.6 (gi l.141-144): rings are closed (first and last position equal) and
    follow the right-hand rule: the outer ring counter-clockwise, holes clockwise."""
    found = []
    if isinstance(value, dict):
        if value.get("type") == "Polygon" and isinstance(value.get("coordinates"), list):
            rings = value["coordinates"]
            if any(not ring or ring[0] != ring[-1] for ring in rings):
                found.append(f"{where}: a ring is not closed")
            elif not follows_right_hand_rule(value):
                found.append(f"{where}: the rings do not follow the right-hand rule")
        for key, item in value.items():
            found += polygon_problems(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += polygon_problems(item, f"{where}/{index}")
    return found


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def openapi_path(url_path: str) -> str:
    """/cds/curbs/zones/<uuid> -> /curbs/zones/{id}, as the OpenAPI files name the path."""
    path = url_path.removeprefix("/cds")
    return re.sub(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "/{id}",
                  path)


def response_problems(path: str, body: dict, *, include_geometry: bool = True) -> list[str]:
    """Every way a 200 answer of `path` (an address under /cds/, or an OpenAPI path such as
    /curbs/zones/{id}) breaks the corrected schema."""
    path = openapi_path(path)
    api = EVENTS_API if path.startswith("/events/") else CURBS_API
    target = BASE + api + "#/" + _pointer(
        "paths", path, "get", "responses", "200", "content", "application/json", "schema")
    return _errors(body, {"$ref": target}, include_geometry=include_geometry)


def problems(obj: dict, model: str, *, include_geometry: bool = True) -> list[str]:
    """Every way one object (a curb zone, a policy, an event...) breaks its schema."""
    return _errors(obj, {"$ref": BASE + MODELS + model + ".yaml"},
                   include_geometry=include_geometry)


# How a CSV cell reads as the value the Metrics text types it as (other cells are strings).
CELL_TYPES = {
    SESSION: {"event_location_start_latitude": float, "event_location_start_longitude": float,
              "event_location_end_latitude": float, "event_location_end_longitude": float,
              "event_time_start": int, "event_time_end": int, "vehicle_length": int,
              "curb_area_ids": json.loads},
    AGGREGATE: {"hour": int, "value": float},
}


def csv_problems(text: str, model: str) -> tuple[list[dict], list[str]]:
    """The rows of a Metrics CSV answer, typed, and every way one breaks its schema; an
    empty cell is null."""
    rows, found = [], []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        typed = {name: None if cell == "" else CELL_TYPES[model].get(name, str)(cell)
                 for name, cell in row.items()}
        rows.append(typed)
        found += [f"line {number}{problem}" for problem in problems(typed, model)]
    return rows, found


def error_problems(body) -> list[str]:
    return _errors(body, ERROR_SCHEMA)


def is_timestamp(value) -> bool:
    """Milliseconds since 1970: an integer between 2001 and 2286 in milliseconds."""
    return type(value) is int and 10**12 <= value < 10**13
