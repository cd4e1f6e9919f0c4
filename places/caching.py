"""The rules (zones, bays, windows, vehicle limits, closures) cached between admins' changes.

Carriers ask for availability thousands of times for each time an admin changes a
rule, and reading the rules is most of what an availability query costs. Every
cached entry carries the rules version in its key; saving or deleting any rule gives
a new version. The version lives in the shared cache (Redis in production) and each
process rereads it at most a second later, so a change reaches every process within
a second (its own process at once). Entries are kept in the process too, to spare the
round trip. Entries expire, which bounds how stale a read can be if the cache was
unreachable when a rule changed.

The cache is an accelerator only: when it is unreachable, callers read the database.
A booking, under its bay's row lock, rereads the version before it trusts an entry.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from operations import cache as shared_cache

from .models import Closure, LoadingBay, TimeWindow, VehicleLimit, Zone

logger = logging.getLogger(__name__)

RULES_VERSION_KEY = "places:rules-version"
ENTRY_SECONDS = 300
#: how long a process trusts the version it last read (its own changes are seen at once)
VERSION_CHECK_SECONDS = 1.0
LOCAL_ENTRIES = 2048


class _LocalCache:
    """Entries of the current version kept in this process, so most reads cost no round
    trip to the shared cache; forgotten as soon as a new version is seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version: str | None = None
        self.checked = 0.0
        self.entries: OrderedDict = OrderedDict()

    def adopt(self, version: str | None) -> None:
        with self.lock:
            if version != self.version:
                self.entries.clear()
            self.version, self.checked = version, time.monotonic()

    def get(self, key):
        with self.lock:
            value, expires = self.entries.get(key, (None, 0.0))
            if value is None or expires < time.monotonic():
                return None
            self.entries.move_to_end(key)
            return value

    def put(self, entries: dict) -> None:
        expires = time.monotonic() + ENTRY_SECONDS
        with self.lock:
            self.entries.update((key, (value, expires)) for key, value in entries.items())
            while len(self.entries) > LOCAL_ENTRIES:
                self.entries.popitem(last=False)


_local = _LocalCache()


def rules_version(max_age: float = VERSION_CHECK_SECONDS) -> str | None:
    """The current version, or None when the cache cannot be reached. ``max_age``: how old
    this process's last reading may be (0 for a booking under lock: read it now)."""
    if _local.version and time.monotonic() - _local.checked < max_age:
        return _local.version
    try:
        version = cache.get(RULES_VERSION_KEY)
        if version is None:
            cache.add(RULES_VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(RULES_VERSION_KEY)
    except Exception:  # the cache is optional: any failure means "read the database"
        logger.warning("rules cache unreachable", exc_info=True)
        version = None
    _local.adopt(version)
    return version


def rules_changed(**_signal_kwargs) -> None:
    """Start a new version now, for reads later in this transaction, and again at commit,
    so that nothing read before the change became visible stays cached under it."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    version = uuid.uuid4().hex
    _local.adopt(None)
    try:
        cache.set(RULES_VERSION_KEY, version, None)
    except Exception:
        logger.warning("rules cache unreachable; cached rules expire within %s s",
                       ENTRY_SECONDS, exc_info=True)


def get_many(keys: list[str]) -> dict:
    """Entries from this process, else from the shared cache (keys carry the version)."""
    found = {}
    for key in keys:
        value = _local.get(key)
        if value is not None:
            found[key] = value
    missing = [key for key in keys if key not in found]
    if missing:
        shared = shared_cache.get_many(missing)
        _local.put(shared)
        found.update(shared)
    return found


def set_many(entries: dict) -> None:
    _local.put(entries)
    shared_cache.set_many(entries, ENTRY_SECONDS)


def bays_by_pk(pks: list[int], max_age: float = VERSION_CHECK_SECONDS
               ) -> dict[int, LoadingBay]:
    """Bays with their zone, through the cache; ids that name no bay are left out.

    The instances are shared with other requests of this process: read them, never
    change and save them.
    """
    version = rules_version(max_age)
    if version is None:
        return _bays_from_database(pks)
    keys = {pk: f"bay:{version}:{pk}" for pk in pks}
    found = get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in pks if pk not in result]
    if missing:
        loaded = _bays_from_database(missing)
        set_many({keys[pk]: bay for pk, bay in loaded.items()})
        result.update(loaded)
    return result


def _bays_from_database(pks: list[int]) -> dict[int, LoadingBay]:
    return {bay.pk: bay for bay in LoadingBay.objects.select_related("zone").filter(pk__in=pks)}


def connect_signals() -> None:
    for model in (Zone, LoadingBay, TimeWindow, VehicleLimit, Closure):
        post_save.connect(rules_changed, sender=model, dispatch_uid=f"rules-saved-{model.__name__}")
        post_delete.connect(rules_changed, sender=model,
                            dispatch_uid=f"rules-deleted-{model.__name__}")
