"""Bays as CSV and GeoJSON: one column list for both formats, both directions."""

from __future__ import annotations

import csv
import io
import json

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


def rows_from_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = set(COLUMNS) - {"house_number", "is_active"} - set(reader.fieldnames or [])
    if missing:
        raise BayFileError("missing columns: " + ", ".join(sorted(missing)))
    # Cells our export quoted against spreadsheet formulas read back as they were.
    return [{column: value if value is None else unescape_cell(value)
             for column, value in row.items()} for row in reader]


def rows_from_geojson(text: str) -> list[dict]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BayFileError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BayFileError("not a GeoJSON FeatureCollection")
    rows = []
    for feature in document.get("features") or []:
        properties = dict((feature or {}).get("properties") or {})
        geometry = (feature or {}).get("geometry") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
        rows.append(properties)
    return rows


def read_rows(text: str, file_format: str) -> list[dict]:
    if file_format == "geojson":
        return rows_from_geojson(text)
    return rows_from_csv(text)
