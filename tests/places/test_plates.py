import pytest
from django.core.exceptions import ValidationError

from organisations.plates import format_plate, normalise_plate, validate_plate


@pytest.mark.parametrize("raw, normalised, formatted", [
    ("gv-123-b", "GV123B", "GV-123-B"),
    (" 12 abc 3 ", "12ABC3", "12-ABC-3"),
    ("AB-12-CD", "AB12CD", "AB-12-CD"),
    ("1-kbb-00", "1KBB00", "1-KBB-00"),
])
def test_plates_are_normalised_and_formatted_by_side_code(raw, normalised, formatted):
    assert normalise_plate(raw) == normalised
    validate_plate(raw)
    assert format_plate(normalised) == formatted


@pytest.mark.parametrize("raw", ["", "ABCDEF", "123456", "GV-123-B4", "G!-123-B"])
def test_strings_that_are_not_dutch_plates_are_refused(raw):
    with pytest.raises(ValidationError):
        validate_plate(raw)
