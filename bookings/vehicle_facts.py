"""What a booking knows about its vehicle, resolved once per request.

The national vehicle register (RDW) outranks what a booker says: for a plate it
lists, its length and maximum permitted mass replace the figures the
organisation typed for its vehicle, so a 40 t truck entered as a 3.5 t van is
judged as the truck it is. A vehicle without a plate (a supplier's van the shop
does not know) is judged by what the booker declares: its length, its maximum
mass and whether it is zero-emission. A declared vehicle whose mass is not given
has mass_kg None, and every zone limits mass, so the booking rules refuse it
(`check_vehicle_mass`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from access.models import RegisteredVehicle
from organisations.models import Vehicle
from organisations.plates import normalise_plate

from . import errors


@dataclass(frozen=True)
class VehicleFacts:
    vehicle: Vehicle | None
    plate: str
    category: str
    length_m: Decimal
    mass_kg: int | None
    declared_zero_emission: bool
    registered: RegisteredVehicle | None

    @property
    def registered_length_m(self) -> Decimal | None:
        if self.registered is None or not self.registered.length_cm:
            return None
        return Decimal(self.registered.length_cm) / 100


    @property
    def declared(self) -> bool:
        """Told by the booker (no plate), not known from a vehicle."""
        return self.vehicle is None


def vehicle_facts(*, vehicle: Vehicle | None = None, length_m=None, zero_emission=None,
                  mass_kg=None, error=errors.BookingError) -> VehicleFacts:
    """The facts of a registered vehicle (the register's over its own, and over anything
    declared with it), or of a declared one.

    Raises `error` with reason vehicle_required when neither is given whole. A declared
    mass may be missing here: whether it is needed is the booking rules' to say.
    """
    if vehicle is not None:
        return _registered_vehicle_facts(vehicle)
    if length_m is None or zero_emission is None:
        raise error(reason="vehicle_required")
    length = Decimal(str(length_m))
    if length <= 0:
        raise errors.VehicleTooLong()
    mass = int(mass_kg) if mass_kg is not None else None
    if mass is not None and mass <= 0:
        raise errors.VehicleMassRequired()
    return VehicleFacts(vehicle=None, plate="", category="", length_m=length, mass_kg=mass,
                        declared_zero_emission=bool(zero_emission), registered=None)


def _registered_vehicle_facts(vehicle: Vehicle) -> VehicleFacts:
    plate = normalise_plate(vehicle.plate)
    registered = RegisteredVehicle.objects.filter(plate=plate).first() if plate else None
    length = vehicle.length_m
    mass = vehicle.weight_kg
    if registered is not None:
        if registered.length_cm:
            length = Decimal(registered.length_cm) / 100
        mass = registered.max_mass_kg or mass
    return VehicleFacts(vehicle=vehicle, plate=plate, category=vehicle.category,
                        length_m=length, mass_kg=mass,
                        declared_zero_emission=vehicle.zero_emission, registered=registered)
