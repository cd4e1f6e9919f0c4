from django.utils import translation

from bookings import errors


def test_refusals_speak_dutch_by_default_and_english_on_request():
    with translation.override("nl"):
        assert errors.BayFull().message == "De laadplek is op dit moment vol."
    with translation.override("en"):
        assert errors.BayFull().message == "The bay is full at this time."
