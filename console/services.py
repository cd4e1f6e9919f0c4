"""Console operations: window rules, closures, bay import. Views call these and nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from bookings.affected import (
    bays_of,
    closure_save,
    rules_changed_announce,
    rules_refusals,
    standing_bookings,
)
from bookings.locking import lock_ids
from bookings.waitlist import offer_after_commit
from places import localtime
from places.models import Closure, LoadingBay, TimeWindow, Weekday, Zone
from places.windows import announce_windows_version, uncovered_bookings

from .bay_files import BayFileError, read_rows, text_of
from .scoping import Scope, scope_queryset


class ConsoleError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WindowSpec:
    weekday: int
    start: dt.time
    end: dt.time
    zero_emission_only: bool = False

    @classmethod
    def of(cls, window: TimeWindow) -> WindowSpec:
        return cls(window.weekday, window.start, window.end, window.zero_emission_only)


def check_windows(windows: list[WindowSpec]) -> None:
    """Refuse windows that end before they start or overlap another on the same weekday."""
    by_day: dict[int, list[WindowSpec]] = {}
    for window in windows:
        if window.end <= window.start:
            raise ConsoleError(_("A window must end after it starts."))
        by_day.setdefault(window.weekday, []).append(window)
    for weekday, day_windows in by_day.items():
        day_windows.sort(key=lambda w: w.start)
        for earlier, later in zip(day_windows, day_windows[1:], strict=False):
            if later.start < earlier.end:
                raise ConsoleError(
                    _("Windows on %(day)s overlap: %(a)s–%(b)s and %(c)s–%(d)s.")
                    % {"day": Weekday(weekday).label, "a": f"{earlier.start:%H:%M}",
                       "b": f"{earlier.end:%H:%M}", "c": f"{later.start:%H:%M}",
                       "d": f"{later.end:%H:%M}"}
                )


def windows_replace(
    *, zone: Zone | None = None, bay: LoadingBay | None = None, windows: list[WindowSpec],
    now: dt.datetime | None = None,
) -> list[TimeWindow]:
    """Replace the windows of one zone or one bay in force today in one transaction, and
    announce the change to the bookings the new windows no longer cover (bookings.affected),
    in it.

    The new windows keep the dates of the version they replace; versions that
    ended or start later stay as they are. Rows are deleted and created one by one
    (not in bulk) so that the history records every change with the person who made it.
    """
    with transaction.atomic():
        saved = _write_windows(zone=zone, bay=bay, windows=windows, now=now)
        rules_changed_announce(bays_of(zone=zone, bay=bay), now=now)
        offer_after_commit(bays_of(zone=zone, bay=bay))  # wider windows may fit a waiting stay
    return saved


class _DryRun(Exception):
    """Rolls the preview's transaction back."""


def windows_uncovered(
    *, zone: Zone | None = None, bay: LoadingBay | None = None, windows: list[WindowSpec],
    now: dt.datetime | None = None,
) -> list[tuple]:
    """(booking, reason) of the standing bookings that these windows, were they saved, would no
    longer cover: the windows are written and checked by the same rule as on save, in a
    transaction that is rolled back."""
    hits = []
    try:
        with transaction.atomic():
            _write_windows(zone=zone, bay=bay, windows=windows, now=now)
            hits = rules_refusals(standing_bookings(bays_of(zone=zone, bay=bay), now=now),
                                  now=now)
            raise _DryRun
    except _DryRun:
        pass
    return hits


def _write_windows(*, zone, bay, windows, now=None) -> list[TimeWindow]:
    if (zone is None) == (bay is None):
        raise ConsoleError(_("Windows belong to a zone or to a bay, not both."))
    check_windows(windows)
    today = (now or localtime.now()).astimezone(localtime.LOCAL).date()
    with transaction.atomic():
        owner_filter = _lock_owner(zone, bay)
        owned = TimeWindow.objects.filter(**owner_filter)
        valid_from, valid_until = _dates_of_version_in_force(owned, today)
        for old in owned.in_force_on(today):
            old.delete()
        return _create_windows(owner_filter, windows, valid_from, valid_until)


def _lock_owner(zone: Zone | None, bay: LoadingBay | None) -> dict:
    """Lock the owner so two admins saving at once apply one set after the other."""
    owner_model = Zone if zone else LoadingBay
    owner = owner_model.objects.select_for_update().get(pk=(zone or bay).pk)
    return {"zone": owner} if zone else {"bay": owner}


def _dates_of_version_in_force(owned, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first day of the version in force today (or the day the last one ended) and the
    first day of the next version published ahead (None: open)."""
    current = owned.in_force_on(today).first()
    if current is not None:
        return current.valid_from, current.valid_until
    ended = owned.filter(valid_until__lte=today).order_by("-valid_until").first()
    ahead = owned.filter(valid_from__gt=today).order_by("valid_from").first()
    return (ended.valid_until if ended else None), (ahead.valid_from if ahead else None)


def _create_windows(owner_filter, windows, valid_from, valid_until) -> list[TimeWindow]:
    return [
        TimeWindow.objects.create(
            **owner_filter, weekday=w.weekday, start=w.start, end=w.end,
            zero_emission_only=w.zero_emission_only, valid_from=valid_from,
            valid_until=valid_until,
        )
        for w in sorted(windows, key=lambda w: (w.weekday, w.start))
    ]


@dataclass
class Published:
    windows: list[TimeWindow]
    uncovered: list  # the bookings the new version does not cover
    notifications: list


def check_publish_date(valid_from: dt.date, today: dt.date) -> None:
    if valid_from <= today:
        raise ConsoleError(_("A new version of the windows must start after today."))


def windows_preview(*, zone: Zone, valid_from: dt.date, windows: list[WindowSpec],
                    now: dt.datetime | None = None) -> list:
    """The bookings the proposed version would not cover; nothing is saved."""
    now = now or localtime.now()
    check_publish_date(valid_from, now.astimezone(localtime.LOCAL).date())
    check_windows(windows)
    return uncovered_bookings(zone, valid_from, windows, now=now)


def windows_publish(*, zone: Zone, valid_from: dt.date, windows: list[WindowSpec],
                    now: dt.datetime | None = None) -> Published:
    """Publish the zone's windows from `valid_from` on, in one transaction.

    The version in force across that day ends the day before (its `valid_until`
    becomes `valid_from`); versions published to start on or after it are replaced.
    The bookers of the bookings the new version does not cover are told once, here.
    """
    now = now or localtime.now()
    check_publish_date(valid_from, now.astimezone(localtime.LOCAL).date())
    check_windows(windows)
    with transaction.atomic():
        owner_filter = _lock_owner(zone, None)
        # Bookers of the zone's bays wait until the version is in, so none books under the
        # old windows unseen by the list of bookings to tell.
        lock_ids(LoadingBay, LoadingBay.objects.filter(zone=zone).values_list("pk", flat=True))
        uncovered = uncovered_bookings(zone, valid_from, windows, now=now)
        owned = TimeWindow.objects.filter(**owner_filter)
        for later in owned.filter(valid_from__gte=valid_from):
            later.delete()
        for running in owned.in_force_on(valid_from):
            running.valid_until = valid_from
            running.save(update_fields=["valid_until"])
        created = _create_windows(owner_filter, windows, valid_from, None)
        notifications = announce_windows_version(zone, valid_from, uncovered)
    return Published(created, uncovered, notifications)


def closure_create(*, closure: Closure, now: dt.datetime | None = None) -> tuple[Closure, list]:
    """Save a new closure and announce it to the bookings it hits, in one transaction (the
    admin saves through the same closure_save)."""
    return closure, closure_save(closure, now=now)


# --- Bulk import of bays ---------------------------------------------------------------------


class BayRowForm(forms.ModelForm):
    zone = forms.SlugField()

    class Meta:
        model = LoadingBay
        fields = ["code", "street", "house_number", "latitude", "longitude", "kerb_length_m",
                  "max_vehicles", "max_vehicle_length_m", "is_active"]

    def __init__(self, *args, zones: dict[str, Zone], **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = zones

    def clean_zone(self):
        slug = self.cleaned_data["zone"]
        if slug not in self.zones:
            raise forms.ValidationError(_("No zone %(zone)s that you manage.") % {"zone": slug})
        return self.zones[slug]

    def clean_latitude(self):
        return _within(self.cleaned_data["latitude"], -90, 90)

    def clean_longitude(self):
        return _within(self.cleaned_data["longitude"], -180, 180)

    def clean_kerb_length_m(self):
        length = self.cleaned_data["kerb_length_m"]
        if length is not None and length <= 0:
            raise forms.ValidationError(_("The kerb must be longer than 0 m."))
        return length

    def validate_unique(self):
        # The code's uniqueness is checked against the rows being updated, below.
        pass

    def save(self, commit=True):
        self.instance.zone = self.cleaned_data["zone"]
        return super().save(commit)


def _within(value, low, high):
    if value is not None and not low <= value <= high:
        raise forms.ValidationError(
            _("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high})
    return value


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def bays_import(*, text: bytes | str, file_format: str, scope: Scope) -> ImportResult:
    """Create or update bays (matched by code) from CSV or GeoJSON; all rows or none.

    text is the file as uploaded (bytes) or already read. Every row is validated first;
    one bad row refuses the whole file and the result lists each bad row with its errors,
    numbered as the spreadsheet numbers them (the header is row 1) or, in GeoJSON, by
    feature. Problems with the file as a whole are numbered 0.
    """
    try:
        if isinstance(text, bytes):
            text = text_of(text)
        rows = read_rows(text, file_format)
    except BayFileError as exc:
        return ImportResult(errors=[(0, [str(exc)])])
    zones = {zone.slug: zone for zone in scope_queryset(Zone.objects.all(), scope)}
    result, forms_to_save = ImportResult(), []
    seen_codes: set[str] = set()
    for number, row in rows:
        form, problems = _bay_row_form(row, zones, scope, seen_codes)
        if problems:
            result.errors.append((number, problems))
        else:
            forms_to_save.append(form)
    if not rows:
        result.errors.append((0, [_("The file holds no bays.")]))
    if result.errors:
        return result
    with transaction.atomic():
        for form in forms_to_save:
            if form.instance.pk:
                result.updated += 1
            else:
                result.created += 1
            form.save()
    return result


def _bay_row_form(row: dict, zones, scope: Scope, seen_codes: set[str]):
    data = {key: ("" if value is None else value) for key, value in row.items()}
    data["is_active"] = str(data.get("is_active", "true")).strip().lower() in {
        "1", "true", "yes", "ja", "on"}
    code = str(data.get("code", "")).strip()
    existing = LoadingBay.objects.filter(code=code).first() if code else None
    problems = []
    if existing and not scope_queryset(LoadingBay.objects.filter(pk=existing.pk), scope).exists():
        problems.append(_("Bay %(code)s belongs to another municipality.") % {"code": code})
    if code in seen_codes:
        problems.append(_("Bay %(code)s appears twice in the file.") % {"code": code})
    seen_codes.add(code)
    form = BayRowForm(data, instance=existing, zones=zones)
    if not form.is_valid():
        for name, messages in form.errors.items():
            label = "" if name == "__all__" else f"{name}: "
            problems.extend(f"{label}{message}" for message in messages)
    return form, problems
