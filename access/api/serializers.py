"""The enforcement answer as JSON."""

from rest_framework import serializers

from places import localtime


class CheckQuerySerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=12)
    bay = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


def _booking(booking):
    if booking is None:
        return None
    return {
        "reference": booking.reference,
        "bay": booking.bay.code,
        "organisation": booking.organisation.name,
        "start": booking.start.astimezone(localtime.LOCAL).isoformat(),
        "end": booking.end.astimezone(localtime.LOCAL).isoformat(),
        "status": booking.status,
        "zero_emission_declared": booking.zero_emission,
    }


def _window(window):
    if window is None:
        return None
    return {
        "weekday": window.weekday,
        "start": window.start.strftime("%H:%M"),
        "end": window.end.strftime("%H:%M"),
        "zero_emission_only": window.zero_emission_only,
        "for": "bay" if window.bay_id else "zone",
    }


def access_data(access) -> dict | None:
    """The zero-emission decision as JSON: the same fields on every endpoint."""
    if access is None:
        return None
    return {
        "allowed": access.allowed,
        "basis": access.basis,
        "allowed_until": access.allowed_until.isoformat() if access.allowed_until else None,
        "code": access.code,
        "warning": access.warning,
    }


def answer_data(answer) -> dict:
    registered = answer.registered
    return {
        "plate": answer.plate,
        "checked_at": answer.checked_at.astimezone(localtime.LOCAL).isoformat(),
        "verdict": answer.verdict,
        "message": answer.message,
        "booked_here_now": answer.booked_here_now,
        "bay": answer.bay.code if answer.bay else None,
        "booking": _booking(answer.booking),
        "window": _window(answer.window),
        "closed": answer.closure is not None,
        "zero_emission": {
            "is_zero_emission": answer.zero_emission.is_zero_emission,
            "reason": answer.zero_emission.reason,
        },
        "zone_access": access_data(answer.zone_access),
        "register": None if registered is None else {
            "vehicle_kind": registered.vehicle_kind,
            "eu_category": registered.eu_category,
            "body_type": registered.body_type,
            "first_admission": (registered.first_admission.isoformat()
                                if registered.first_admission else None),
            "emission_class": registered.emission_class,
            "fuels": registered.fuels,
            "zero_emission": registered.zero_emission,
            "length_cm": registered.length_cm,
            "max_mass_kg": registered.max_mass_kg,
        },
        "bookings_today": [_booking(b) for b in answer.bookings_today],
    }
