"""Bays as CSV and GeoJSON: one column list for both formats, both directions."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from operations import json_input
from operations.csv_cells import SafeWriter, unescape_cell

COLUMNS = [
    "code", "zone", "street", "house_number", "latitude", "longitude", "kerb_length_m",
    "max_vehicles", "max_vehicle_length_m", "is_active",
]


class BayFileError(ValueError):
    """The file as a whole cannot be read (not CSV, not GeoJSON, missing columns)."""


def bay_row(bay) -> dict:
    return {
        "code": bay.code,
        "zone": bay.zone.slug,
        "street": bay.street,
        "house_number": bay.house_number,
        "latitude": bay.latitude,
        "longitude": bay.longitude,
        "kerb_length_m": str(bay.kerb_length_m),
        "max_vehicles": bay.max_vehicles,
        "max_vehicle_length_m": str(bay.max_vehicle_length_m),
        "is_active": bay.is_active,
    }


def bays_to_csv(bays) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(COLUMNS)
    for bay in bays:
        row = bay_row(bay)
        row["is_active"] = "true" if row["is_active"] else "false"
        writer.writerow([row[column] for column in COLUMNS])
    return out.getvalue()


def bays_to_geojson(bays) -> dict:
    features = []
    for bay in bays:
        properties = bay_row(bay)
        longitude, latitude = properties.pop("longitude"), properties.pop("latitude")
        features.append({
            "type": "Feature",
            "id": bay.code,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": properties,
        })
    return {"type": "FeatureCollection", "features": features}


#: columns holding a decimal number, which a Dutch spreadsheet writes with a decimal comma
DECIMAL_COLUMNS = {"latitude", "longitude", "kerb_length_m", "max_vehicle_length_m"}
DUTCH_DECIMAL = re.compile(r"^\s*-?\d+,\d+\s*$")
#: what the first bytes of an upload say it is, when it is not text
BINARY_SIGNATURES = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls", b"%PDF": "pdf"}


def text_of(raw: bytes) -> str:
    """The upload as text: UTF-8 (with or without Excel's byte order mark) or Windows-1252,
    the two encodings Excel saves CSV in. Anything else is refused, never guessed."""
    if raw.startswith(tuple(BINARY_SIGNATURES)) or b"\x00" in raw:
        raise BayFileError(_("This is not a CSV or GeoJSON file. In Excel, choose Save as, "
                             "CSV (semicolon delimited), and import that file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BayFileError(_("The file's characters cannot be read. Save it as CSV UTF-8."))


def _delimiter(header_line: str) -> str:
    """Excel writes ';' where the decimal separator is a comma (Dutch settings), else ','."""
    return max((";", ",", "\t"), key=header_line.count)


def _cell(column: str, value: str | None) -> str:
    # the export protects a formula-like value with an apostrophe; it reads back as it was
    value = "" if value is None else unescape_cell(value)
    if column in DECIMAL_COLUMNS and DUTCH_DECIMAL.match(value):
        value = value.replace(",", ".")
    return value


def rows_from_csv(text: str) -> list[tuple[int, dict]]:
    """(spreadsheet row number, row) for each data row; the header is row 1.

    Reads what Excel saves: a byte order mark, ';' or ',' between cells, decimal commas in
    the number columns, and lines ending in CRLF, CR or LF.
    """
    text = text.lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.strip() else ""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = fieldnames
        missing = set(COLUMNS) - {"house_number", "is_active"} - set(fieldnames)
        if missing:
            raise BayFileError(_("The first row must name the columns; these are missing: "
                                 "%(columns)s.") % {"columns": ", ".join(sorted(missing))})
        return [(number, {column: _cell(column, value) for column, value in row.items()
                          if column is not None})
                for number, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise BayFileError(_("Line %(line)d cannot be read as CSV: check its quotes.")
                           % {"line": reader.line_num}) from exc


def rows_from_geojson(text: str) -> list[tuple[int, dict]]:
    try:
        document = json_input.loads(text)
    except json_input.JSONInputError as exc:
        raise BayFileError(exc.message) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BayFileError(_("This is not a GeoJSON FeatureCollection."))
    rows = []
    features = document.get("features")
    for feature in features if isinstance(features, list) else []:
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties")
        properties = dict(properties) if isinstance(properties, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
        rows.append(properties)
    return list(enumerate(rows, start=1))


def read_rows(text: str, file_format: str) -> list[tuple[int, dict]]:
    """(number, row) for each bay in the file: the spreadsheet row in a CSV file, the
    feature's number in a GeoJSON file."""
    if file_format == "geojson":
        return rows_from_geojson(text)
    return rows_from_csv(text)
