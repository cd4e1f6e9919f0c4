"""Dutch licence plates (kentekens): normalise, validate and format.

The RDW issues plates in fourteen side codes (sidecodes); each is a pattern of
letters (X) and digits (9) in three groups. Plates are stored without dashes in
capitals, which is how the RDW open data lists them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIDECODES = [
    "XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
    "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9",
]


def _pattern(sidecode: str) -> re.Pattern:
    groups = sidecode.split("-")
    parts = [f"([A-Z]{{{len(g)}}})" if g[0] == "X" else f"([0-9]{{{len(g)}}})" for g in groups]
    return re.compile("^" + "".join(parts) + "$")


_PATTERNS = [_pattern(code) for code in SIDECODES]


def normalise_plate(raw: str) -> str:
    """'gv-123-b ' -> 'GV123B'."""
    return re.sub(r"[\s\-.]", "", raw or "").upper()


def format_plate(plate: str) -> str:
    """'GV123B' -> 'GV-123-B', by the first side code it fits."""
    for pattern in _PATTERNS:
        match = pattern.match(plate)
        if match:
            return "-".join(match.groups())
    return plate


def validate_plate(plate: str) -> None:
    normalised = normalise_plate(plate)
    if not any(pattern.match(normalised) for pattern in _PATTERNS):
        raise ValidationError(
            _("%(plate)s is not a Dutch licence plate (for example GV-123-B)."),
            code="invalid_plate",
            params={"plate": plate},
        )
