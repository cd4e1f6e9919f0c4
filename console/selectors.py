"""Console reads: the week grid of windows, and the history of an object."""

from __future__ import annotations

from dataclasses import dataclass

from places.models import Weekday

from .services import WindowSpec

SLOT_MINUTES = 30
OPEN_TO_ALL, ZERO_EMISSION_ONLY, CLOSED = "all", "clean", "closed"


@dataclass(frozen=True)
class WeekRow:
    weekday: int
    label: str
    cells: list[str]
    inherited: bool  # a bay's weekday without windows of its own uses its zone's


def slot_state(windows: list[WindowSpec], minute: int) -> str:
    covering = [
        w for w in windows
        if w.start.hour * 60 + w.start.minute <= minute < w.end.hour * 60 + w.end.minute
    ]
    if any(not w.zero_emission_only for w in covering):
        return OPEN_TO_ALL
    return ZERO_EMISSION_ONLY if covering else CLOSED


def week_grid(windows: list[WindowSpec], fallback: list[WindowSpec] | None = None):
    """Each weekday as half-hour cells: open to all, zero-emission only, or closed."""
    rows = []
    for weekday, label in Weekday.choices:
        own = [w for w in windows if w.weekday == weekday]
        inherited = fallback is not None and not own
        day = [w for w in fallback if w.weekday == weekday] if inherited else own
        cells = [slot_state(day, minute) for minute in range(0, 24 * 60, SLOT_MINUTES)]
        rows.append(WeekRow(weekday, str(label), cells, inherited))
    return rows


def grid_hours() -> list[str]:
    return [f"{hour:02d}" for hour in range(24)]


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object
    kind: str  # "+", "~" or "-"
    label: str
    changes: list[tuple[str, object, object]]


def history_entries(records) -> list[HistoryEntry]:
    """Who changed what when, newest first, each change against the version before.

    The version before is the next older record of the same object in the list
    (ordered newest first, ties broken by history id), else simple-history's own.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id), reverse=True)
    entries = []
    for index, record in enumerate(records):
        changes = []
        if record.history_type == "~":
            previous = next((older for older in records[index + 1:] if older.id == record.id),
                            None) or record.prev_record
            delta = record.diff_against(previous) if previous else None
            for change in delta.changes if delta else []:
                field = record.instance_type._meta.get_field(change.field)
                changes.append((str(field.verbose_name), change.old, change.new))
        entries.append(HistoryEntry(record.history_date, record.history_user,
                                    record.history_type, str(record.instance), changes))
    return entries
