"""JSON from outside (API bodies, uploaded GeoJSON, the admin's JSON fields), held to what the
rest of Venster can take.

Two things valid JSON may hold break the code further on, far from the input:
- nesting a thousand levels deep: Python's parser and anything that walks the
  data later recurse once per level and fail with a RecursionError (a 500);
- a lone surrogate spelt as an escape ("\\ud800"): Python decodes it into text that
  cannot be encoded as UTF-8 again, so storing or echoing it fails.
Both are refused as malformed, with a message for the sender.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext as _

# Venster's deepest document (GeoJSON polygons) nests six levels; no sender needs 64.
MAX_DEPTH = 64


class JSONInputError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def loads(text: str | bytes):
    """json.loads, refusing what check() refuses; every refusal is a JSONInputError."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise JSONInputError(too_deep_message()) from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise JSONInputError(_("This is not valid JSON: %(error)s") % {"error": exc}) from exc
    return check(data)


def check(data):
    """The parsed data, if it nests at most MAX_DEPTH levels and all its text is valid Unicode."""
    if depth(data) > MAX_DEPTH:
        raise JSONInputError(too_deep_message())
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JSONInputError(_("The JSON text is not valid Unicode.")) from exc
    return data


def depth(data) -> int:
    """How deep lists and objects nest (a scalar: 0, [] or {}: 1), without recursing;
    stops counting just past MAX_DEPTH."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest


def too_deep_message() -> str:
    return _("The JSON nests more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}


class JSONFormField(forms.JSONField):
    """Django's JSON form field (the admin uses it for every JSONField) with check()'s limits:
    Django's own lets the RecursionError of deep JSON through, as a 500."""

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except RecursionError as exc:
            raise ValidationError(too_deep_message(), code="invalid") from exc
        try:
            return check(converted)
        except JSONInputError as exc:
            raise ValidationError(exc.message, code="invalid") from exc

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)  # shown again as typed, next to its error
