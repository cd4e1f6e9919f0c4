"""Form fields for what every page parses: a day and row ids.

The portal, the console and the hub pages read days and ids from forms and query
strings. Django's own fields accept values the rest of Venster cannot handle:
year 9999 (a day later overflows the calendar), ids of thirty digits (too large
for the database) or a superscript two ("²".isdigit() is true, int("²") fails).
These fields refuse them as form errors, in the reader's language.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from . import localtime

# The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1


class DayField(forms.DateField):
    """A day within places.localtime's calendar (the years 2000 to 2100)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not localtime.in_calendar(value):
            raise ValidationError(localtime.calendar_message(), code="out_of_range")


class IdField(forms.IntegerField):
    """The id of a row: a whole number from 1 to the largest id the database holds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Rows chosen by their ids (ticked boxes), each checked as IdField checks it first:
    Django looks them up with `pk IN (...)`, where an id of thirty digits overflows
    SQLite's integers (a 500) instead of being refused as a choice that does not exist."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(self.error_messages["invalid_pk_value"],
                                          code="invalid_pk_value", params={"pk": pk})
        return super().clean(value)


def parse_day(value) -> dt.date | None:
    """A day from a query string, or None when it is missing or not a day in the calendar."""
    return _clean_or_none(DayField(required=False), value)


def parse_id(value) -> int | None:
    """A row id from a query string or a button, or None when it is missing or not an id."""
    return _clean_or_none(IdField(required=False), value)


def _clean_or_none(field: forms.Field, value):
    try:
        return field.clean(value)
    except ValidationError:
        return None
