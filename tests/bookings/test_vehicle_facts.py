"""The register's length and mass outrank what an organisation typed for its vehicle, on every
path that books."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import errors
from bookings.models import Booking
from bookings.requests import request_submit
from bookings.services import booking_create, booking_reschedule
from bookings.vehicle_facts import vehicle_facts
from bookings.waitlist import waitlist_join
from tests.access.factories import RegisteredVehicleFactory
from tests.api.conftest import booking_body, key_client, problem
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("30"), max_vehicles=3,
                      max_vehicle_length_m=Decimal("10"))


@pytest.fixture
def truck_as_van():
    """Entered by its organisation as a 6 m, 3.5 t van; the register knows a 40 t truck."""
    van = VehicleFactory(length_m=Decimal("6"), weight_kg=3500)
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=40000, length_cm=1650)
    return van


def book(bay, vehicle, start="08:00", end="08:30"):
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(FRIDAY, start), end=at(FRIDAY, end))


def test_the_register_replaces_the_typed_length_and_mass():
    van = VehicleFactory(length_m=Decimal("6"), weight_kg=3500)
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=7200, length_cm=755)
    facts = vehicle_facts(vehicle=van)
    assert (facts.length_m, facts.mass_kg) == (Decimal("7.55"), 7200)


def test_a_plate_the_register_does_not_list_keeps_its_typed_figures():
    van = VehicleFactory(length_m=Decimal("6"), weight_kg=3500)
    facts = vehicle_facts(vehicle=van)
    assert (facts.length_m, facts.mass_kg, facts.registered) == (Decimal("6"), 3500, None)


def test_a_register_without_a_length_keeps_the_typed_length():
    van = VehicleFactory(length_m=Decimal("6"), weight_kg=3500)
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=3000, length_cm=None)
    facts = vehicle_facts(vehicle=van)
    assert (facts.length_m, facts.mass_kg) == (Decimal("6"), 3000)


def test_booking_refuses_by_the_registers_mass(bay, truck_as_van):
    with pytest.raises(errors.VehicleTooHeavy):
        book(bay, truck_as_van)
    assert not Booking.objects.exists()


def test_booking_refuses_by_the_registers_length(bay, truck_as_van):
    bay.zone.max_vehicle_weight_kg = 50000
    bay.zone.save()
    with pytest.raises(errors.BookingError) as refused:
        book(bay, truck_as_van)
    assert refused.value.code == "vehicle_too_long"


def test_a_booking_records_the_registers_length(bay):
    van = VehicleFactory(length_m=Decimal("6"))
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=3500, length_cm=720)
    assert book(bay, van).vehicle_length_m == Decimal("7.20")


def test_a_reschedule_judges_by_the_register_too(bay):
    van = VehicleFactory(length_m=Decimal("6"), weight_kg=3500)
    booking = book(bay, van)
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=40000, length_cm=600)
    with pytest.raises(errors.VehicleTooHeavy):
        booking_reschedule(booking=booking, start=at(FRIDAY, "09:00"), end=at(FRIDAY, "09:30"))


def test_the_api_refuses_by_the_registers_mass_with_the_same_code(bay, truck_as_van):
    response = key_client(truck_as_van.organisation).post(
        "/api/v1/bookings/", booking_body(bay, truck_as_van), format="json")
    assert problem(response)["code"] == "vehicle_too_heavy"
    assert not Booking.objects.exists()


def test_a_booking_request_plans_with_the_registers_length(bay):
    van = VehicleFactory(length_m=Decimal("6"))
    RegisteredVehicleFactory(plate=van.plate, max_mass_kg=3500, length_cm=780)
    request = request_submit(
        organisation=van.organisation, zone=bay.zone, bays=[bay], vehicle=van,
        earliest_start=at(SATURDAY, "08:00"), latest_end=at(SATURDAY, "10:00"),
        preferred_start=at(SATURDAY, "08:00"), duration_minutes=30)
    assert request.vehicle_length_m == Decimal("7.80")


def test_the_waitlist_refuses_by_the_registers_mass(bay, truck_as_van):
    with pytest.raises(errors.VehicleTooHeavy):
        waitlist_join(organisation=truck_as_van.organisation, bay=bay, vehicle=truck_as_van,
                      start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))


# --- A vehicle without a plate: judged by its declared length and mass ----------------------

def test_a_declaration_carries_its_mass():
    facts = vehicle_facts(length_m="6", zero_emission=False, mass_kg=7500)
    assert (facts.length_m, facts.mass_kg, facts.declared) == (Decimal("6"), 7500, True)


def test_with_a_plate_the_register_outranks_a_declared_mass(truck_as_van):
    facts = vehicle_facts(vehicle=truck_as_van, length_m="6", zero_emission=True, mass_kg=3000)
    assert (facts.length_m, facts.mass_kg, facts.declared) == (Decimal("16.5"), 40000, False)


def declared(bay, *, mass_kg, length_m="6", start="08:00", end="08:30"):
    return booking_create(bay=bay, organisation=VehicleFactory().organisation, start=at(
        FRIDAY, start), end=at(FRIDAY, end), vehicle_length_m=Decimal(length_m),
        vehicle_mass_kg=mass_kg, zero_emission=False)


@pytest.mark.parametrize("length_m, mass_kg, code", [
    ("6", None, "vehicle_mass_required"),   # every zone limits mass: it must be declared
    ("6", 40000, "vehicle_too_heavy"),      # the zone allows 18 t
    ("16.5", 3500, "vehicle_too_long"),     # the bay allows 10 m
])
def test_a_declaration_is_checked_against_the_limits(bay, length_m, mass_kg, code):
    with pytest.raises(errors.BookingError) as refused:
        declared(bay, length_m=length_m, mass_kg=mass_kg)
    assert refused.value.code == code
    assert not Booking.objects.exists()


def test_a_declared_booking_keeps_its_mass_and_is_judged_by_it_when_moved(bay):
    booking = declared(bay, mass_kg=12000)
    assert booking.vehicle_mass_kg == 12000
    lighter_zone_bay = BayFactory(zone__max_vehicle_weight_kg=7500)
    with pytest.raises(errors.VehicleTooHeavy):
        booking_reschedule(booking=booking, bay=lighter_zone_bay, start=at(FRIDAY, "09:00"),
                           end=at(FRIDAY, "09:30"))


def test_a_request_without_a_plate_declares_its_mass(bay):
    with pytest.raises(errors.VehicleMassRequired):
        request_submit(organisation=VehicleFactory().organisation, zone=bay.zone,
                       earliest_start=at(SATURDAY, "08:00"), latest_end=at(SATURDAY, "10:00"),
                       duration_minutes=30, bays=[bay], vehicle_length_m=Decimal("6"),
                       zero_emission=False)


def test_the_api_refuses_a_missing_mass_with_its_code(bay):
    van = VehicleFactory()
    client = key_client(van.organisation)
    body = {"bay": bay.pk, "start": at(FRIDAY, "08:00").isoformat(),
            "end": at(FRIDAY, "08:30").isoformat(), "vehicle_length_m": "6",
            "zero_emission": False}
    response = client.post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 422
    assert problem(response)["code"] == "vehicle_mass_required"
    response = client.post("/api/v1/bookings/", {**body, "vehicle_mass_kg": 7000}, format="json")
    assert response.status_code == 201 and response.json()["vehicle_mass_kg"] == 7000
