"""Serializer fields shared by every app's API."""

import datetime as dt

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from places import localtime


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant with its UTC offset, refused where the Amsterdam wall clock is unclear.

    DRF's own field makes a naive time aware by guessing (and zoneinfo accepts
    the March hour that never happens and picks one of October's repeated
    hours), so this field parses itself and asks places.localtime.check_aware.
    Values come back in Amsterdam time with their offset.
    """

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "offset_required": _(
            "Give the time with its UTC offset, for example 2026-03-27T08:00:00+01:00."
        ),
        "out_of_range": _("Give a time between the years 2000 and 2100."),
    }

    def to_internal_value(self, value):
        parsed = value if isinstance(value, dt.datetime) else self._parse(value)
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail("offset_required")
        if not localtime.in_calendar(parsed.date()):
            # Far-off years overflow the calendar in local-time arithmetic further on.
            self.fail("out_of_range")
        try:
            return localtime.check_aware(parsed)
        except localtime.LocalTimeError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from exc
        except (OverflowError, ValueError):
            # Year 1 or 9999 with an offset falls off the calendar when converted.
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+hh:mm")

    def to_representation(self, value):
        """Amsterdam time with its offset, as DRF's ISO 8601 would give it, without the
        detour through the active time zone that makes long lists of starts slow."""
        if not value or isinstance(value, str) or getattr(self, "format", None) is not None:
            return super().to_representation(value)
        return _local_isoformat(value)

    def _parse(self, value) -> dt.datetime:
        if not isinstance(value, str) or "\x00" in value:
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+hh:mm")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss+hh:mm")
        return parsed


class DayField(serializers.DateField):
    """A day (YYYY-MM-DD) within Venster's calendar, places.localtime.FIRST_DAY to LAST_DAY.

    Year 1 or 9999 parse as dates but fall off the calendar a day later in the
    selectors (a 500); they are refused here, for every API that takes a day.
    """

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not localtime.in_calendar(day):
            raise serializers.ValidationError(localtime.calendar_message(), code="out_of_range")
        return day


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "date-time"}})
class LocalInstantsField(serializers.Field):
    """A read-only list of instants, each as AwareDateTimeField gives it.

    For a day's free starts, a hundred or more per answer: DRF's ListField calls its
    child field once per item and is deep-copied for every serializer.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [_local_isoformat(instant) for instant in value]


def _local_isoformat(instant: dt.datetime) -> str:
    """ISO 8601 in Amsterdam time with its offset; a day's starts are made in local time
    already and are not converted again."""
    if instant.tzinfo is not localtime.LOCAL:
        instant = instant.astimezone(localtime.LOCAL)
    return instant.isoformat()


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                      "example": "07:00", "description": "Local wall-clock time, HH:MM."})
class WallTimeField(serializers.TimeField):
    """A time of day on Amsterdam's wall clock (windows, closures, cut-offs), as HH:MM."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)
