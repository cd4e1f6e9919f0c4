"""The `<reference:...>` path converter: what a booking or request reference can look like.

A reference is a letter and seven of bookings.services.REFERENCE_ALPHABET. Pages
match only letters and digits, so a NUL byte or odd text in the address is a
404 before any lookup (PostgreSQL refuses to compare text with NUL bytes).
"""


class ReferenceConverter:
    regex = "[A-Za-z0-9]{1,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
