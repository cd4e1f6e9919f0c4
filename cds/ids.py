"""Stable UUIDs for CDS objects: uuid5 of a fixed namespace and Venster's own keys.

The same bay always has the same curb_zone_id, on every server that runs
Venster. Never change NAMESPACE: published ids would all change.
"""

import json
import uuid

NAMESPACE = uuid.UUID("7c1e5f0a-3b8d-5c52-9f0e-0d6b1c7a4e21")


def stable_id(kind: str, *keys) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *map(str, keys)])))


def curb_zone_id(bay_id: int) -> str:
    return stable_id("curb-zone", bay_id)


def curb_area_id(zone_id: int) -> str:
    return stable_id("curb-area", zone_id)


def curb_space_id(bay_id: int, number: int) -> str:
    return stable_id("curb-space", bay_id, number)


def content_id(kind: str, key, content: dict) -> str:
    """An id that changes whenever the content changes: a CDS policy id must never be reused."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return stable_id(kind, key, canonical)


def event_id(booking_id: int, event_type: str) -> str:
    return stable_id("event", booking_id, event_type)


def device_id(bay_id: int) -> str:
    """The 'device' that records check-ins: the bay's booking register, never a vehicle."""
    return stable_id("device", "bay", bay_id)

