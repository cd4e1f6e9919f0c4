"""Zero-emission is decided by the register and by exemptions when a booking is made."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from access import errors as access_errors
from access.models import DayExemptionUse, Exemption
from access.services import Reason, zero_emission_status
from bookings import errors
from bookings.models import Booking
from bookings.services import booking_create, booking_reschedule
from tests.access.factories import ExemptionFactory, RegisteredVehicleFactory
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    VehicleFactory,
    ZoneFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def bay():
    return BayFactory()


def book(bay, vehicle, start="12:00", end="12:30", day=FRIDAY):
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(day, start), end=at(day, end))


def diesel(plate, **kwargs):
    RegisteredVehicleFactory(plate=plate, fuels=["Diesel"], zero_emission=False)
    return VehicleFactory(plate=plate, **kwargs)


def test_the_register_overrules_a_vehicle_that_claims_to_be_zero_emission(bay):
    vehicle = diesel("VD456L", zero_emission=True)
    with pytest.raises(access_errors.RegisterNotZeroEmission) as refused:
        book(bay, vehicle)
    assert refused.value.code == "register_not_zero_emission"
    assert isinstance(refused.value, errors.ZeroEmissionOnly)
    assert "RDW" in refused.value.message


def test_the_register_lets_an_electric_vehicle_in_that_did_not_say_so(bay):
    RegisteredVehicleFactory(plate="VB123K", fuels=["Elektriciteit"], zero_emission=True)
    vehicle = VehicleFactory(plate="VB123K", zero_emission=False)
    booking = book(bay, vehicle)
    assert booking.zero_emission is True


def test_a_register_diesel_may_book_a_window_open_to_all_and_is_recorded_as_not_clean(bay):
    vehicle = diesel("VD456L", zero_emission=True)
    booking = book(bay, vehicle, "08:00", "08:30")
    assert booking.zero_emission is False


def test_a_plate_the_register_does_not_know_cannot_open_a_zero_emission_only_window(bay):
    clean = VehicleFactory(plate="GV123B", zero_emission=True)
    with pytest.raises(access_errors.ZeroEmissionUnproven) as refused:
        book(bay, clean)
    assert refused.value.code == "zero_emission_unproven"
    assert isinstance(refused.value, errors.ZeroEmissionOnly)
    assert book(bay, clean, "08:00", "08:30").zero_emission is True  # outside: as declared


def test_a_declaration_without_a_plate_cannot_open_a_zero_emission_only_window(bay):
    with pytest.raises(access_errors.ZeroEmissionUnproven):
        booking_create(bay=bay, organisation=OrganisationFactory(), vehicle_length_m=6,
                       vehicle_mass_kg=3500,
                       zero_emission=True, start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))
    assert not Booking.objects.exists()


def test_a_cargo_bike_needs_no_plate_for_a_zero_emission_only_window(bay):
    bike = VehicleFactory(plate="", category="cargo_bike", length_m=2, zero_emission=False)
    assert book(bay, bike).zero_emission is True


def test_the_api_and_the_portal_refuse_a_plateless_declaration_with_the_same_code(bay):
    from tests.api.conftest import key_client, problem
    from tests.portal.test_pages import book_post

    carrier = OrganisationFactory()
    body = {"bay": bay.pk, "vehicle_length_m": "6", "vehicle_mass_kg": 3500, "zero_emission": True,
            "start": at(FRIDAY, "12:00").isoformat(), "end": at(FRIDAY, "12:30").isoformat()}
    response = key_client(carrier).post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 422
    assert problem(response)["code"] == "zero_emission_unproven"

    client = Client()
    client.force_login(MembershipFactory(organisation=carrier).user)
    page = book_post(client, bay, "12:00", zero_emission="on")
    assert page.status_code in (409, 422)
    with translation.override("nl"):
        message = str(access_errors.ZeroEmissionUnproven.default_message)
    assert message in html.unescape(page.content.decode())
    assert not Booking.objects.exists()


def test_a_long_term_exemption_counts_as_zero_emission_in_its_zone(bay):
    vehicle = diesel("VD456L")
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality, zone=bay.zone)
    assert book(bay, vehicle).zero_emission is True
    status = zero_emission_status("VD-456-L", bay.zone, FRIDAY)
    assert status.is_zero_emission and status.reason == Reason.LONG_TERM_EXEMPTION


def test_an_exemption_for_another_zone_or_another_time_does_not_count(bay):
    vehicle = diesel("VD456L")
    other_zone = ZoneFactory(municipality=bay.zone.municipality)
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality, zone=other_zone)
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality,
                     valid_from=dt.date(2026, 4, 1), valid_until=dt.date(2026, 4, 30))
    with pytest.raises(access_errors.RegisterNotZeroEmission):
        book(bay, vehicle)


def test_a_municipality_wide_exemption_counts_in_every_zone_of_it(bay):
    vehicle = diesel("VD456L")
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality, zone=None)
    assert book(bay, vehicle).zero_emission is True


def test_a_day_exemption_is_spent_only_for_a_stay_in_a_zero_emission_only_window(bay):
    vehicle = diesel("VD456L")
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality,
                     kind=Exemption.Kind.DAY)
    book(bay, vehicle, "08:00", "08:30")
    assert DayExemptionUse.objects.count() == 0
    book(bay, vehicle, "12:00", "12:30")
    assert DayExemptionUse.objects.get().day == FRIDAY
    book(bay, vehicle, "14:00", "14:30")  # the same day again: still one day spent
    assert DayExemptionUse.objects.count() == 1


def test_day_exemptions_run_out_after_the_yearly_limit(bay):
    vehicle = diesel("VD456L")
    exemption = ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality,
                                 kind=Exemption.Kind.DAY, days_per_year=2)
    for day in (dt.date(2026, 2, 2), dt.date(2026, 2, 3)):
        DayExemptionUse.objects.create(plate="VD456L", municipality=bay.zone.municipality,
                                       exemption=exemption, day=day)
    with pytest.raises(access_errors.DayExemptionsUsedUp) as refused:
        book(bay, vehicle)
    assert refused.value.code == "day_exemptions_used_up"
    assert DayExemptionUse.objects.count() == 2


def test_a_refused_booking_gives_back_the_day_exemption_it_would_have_spent(bay):
    vehicle = diesel("VD456L", length_m=Decimal("11"))  # longer than the bay allows
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality,
                     kind=Exemption.Kind.DAY)
    with pytest.raises(errors.VehicleTooLong):
        book(bay, vehicle)
    assert DayExemptionUse.objects.count() == 0


def test_moving_a_booking_into_a_zero_emission_only_window_asks_the_register(bay):
    vehicle = diesel("VD456L")
    booking = book(bay, vehicle, "08:00", "08:30")
    with pytest.raises(access_errors.RegisterNotZeroEmission):
        booking_reschedule(booking=booking, start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))
    ExemptionFactory(plate="VD456L", municipality=bay.zone.municipality)
    moved = booking_reschedule(booking=booking, start=at(FRIDAY, "12:00"),
                               end=at(FRIDAY, "12:30"))
    assert moved.start == at(FRIDAY, "12:00")


def test_zero_emission_status_without_a_plate_knows_nothing(bay):
    is_zero_emission, reason = zero_emission_status("", bay.zone, FRIDAY)
    assert (is_zero_emission, reason) == (None, Reason.NO_PLATE)


def test_zero_emission_status_is_a_pair_of_answer_and_reason(bay):
    RegisteredVehicleFactory(plate="VH012N", fuels=["Waterstof"], zero_emission=True)
    assert zero_emission_status("VH-012-N", bay.zone, FRIDAY) == (
        True, Reason.REGISTER_ZERO_EMISSION)


def test_an_unregistered_plate_with_a_day_exemption_keeps_its_declaration_when_no_day_is_spent(
        bay):
    vehicle = VehicleFactory(plate="GV123B", zero_emission=True)
    ExemptionFactory(plate="GV123B", municipality=bay.zone.municipality,
                     kind=Exemption.Kind.DAY)
    assert book(bay, vehicle, "08:00", "08:30").zero_emission is True
    assert DayExemptionUse.objects.count() == 0
