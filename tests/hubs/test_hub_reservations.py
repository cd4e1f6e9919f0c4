"""Dock slots and storage at a shared hub: doors by vehicle size, hours, closures, quotas."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import errors as booking_errors
from hubs import errors
from hubs.models import DockDoor, DockReservation, HubClosure, HubShare, ReservationStatus
from hubs.selectors import dock_availability
from hubs.services import (
    dock_reservation_cancel,
    dock_reservation_create,
    storage_reservation_cancel,
    storage_reservation_create,
)
from organisations.models import Organisation
from places.models import Municipality
from tests.conftest import FRIDAY, at
from tests.factories import HubFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
SATURDAY = FRIDAY + dt.timedelta(days=1)


def reserve(hub, start="08:00", end="08:30", length="7.5", **kwargs):
    return dock_reservation_create(
        hub=hub, organisation=kwargs.pop("organisation", None) or OrganisationFactory(),
        start=at(SATURDAY, start), end=at(SATURDAY, end), vehicle_length_m=Decimal(length),
        **kwargs,
    )


def test_a_van_gets_the_smallest_free_door_and_a_truck_the_truck_door(frozen_now):
    hub = HubFactory()
    van, truck = reserve(hub), reserve(hub, length="16.5")
    assert van.door.code == "V1"
    assert truck.door.code == "T1"


def test_a_truck_is_refused_when_its_only_door_is_taken_even_if_van_doors_are_free(frozen_now):
    hub = HubFactory()
    reserve(hub, length="16.5")
    with pytest.raises(errors.DockFull):
        reserve(hub, length="12")


def test_a_vehicle_longer_than_every_door_is_refused(frozen_now):
    with pytest.raises(errors.NoDoorFits):
        reserve(HubFactory(), length="19")


def test_slots_outside_opening_hours_or_in_a_closure_are_refused(frozen_now):
    hub = HubFactory()
    with pytest.raises(errors.OutsideOpeningHours):
        reserve(hub, start="19:45", end="20:15")
    HubClosure.objects.create(hub=hub, start_date=SATURDAY, end_date=SATURDAY,
                              start_time=dt.time(12), end_time=dt.time(14))
    with pytest.raises(errors.HubClosed):
        reserve(hub, start="13:00", end="13:30")


def test_a_municipality_with_a_quota_gets_only_its_share_of_the_doors(frozen_now):
    hub = HubFactory()
    gouda, _ = Municipality.objects.get_or_create(
        slug="gouda", defaults={"name": "Gouda", "cbs_code": "GM0513"})
    leiden, _ = Municipality.objects.get_or_create(
        slug="leiden", defaults={"name": "Leiden", "cbs_code": "GM0546"})
    HubShare.objects.create(hub=hub, municipality=gouda, dock_share_percent=34)  # 1 of 3 doors
    HubShare.objects.create(hub=hub, municipality=leiden)
    reserve(hub, municipality=gouda)
    with pytest.raises(errors.ShareUsedUp):
        reserve(hub, municipality=gouda)
    assert reserve(hub, municipality=leiden).door.code == "V2"  # others still get free doors


@pytest.fixture
def shared_hub():
    """A hub shared by Gouda (one door of three) and Leiden (no quota)."""
    hub = HubFactory()
    for slug, name, code, percent in [("gouda", "Gouda", "GM0513", 34),
                                      ("leiden", "Leiden", "GM0546", None)]:
        municipality, _ = Municipality.objects.get_or_create(
            slug=slug, defaults={"name": name, "cbs_code": code})
        HubShare.objects.create(hub=hub, municipality=municipality, dock_share_percent=percent)
    return hub


def test_leaving_the_municipality_out_does_not_dodge_the_shares(frozen_now, shared_hub):
    with pytest.raises(errors.MunicipalityRequired) as refused:
        reserve(shared_hub)
    assert refused.value.code == "municipality_required"
    assert not DockReservation.objects.exists()


def test_a_municipal_organisation_is_charged_to_its_own_share(frozen_now, shared_hub):
    gouda = Municipality.objects.get(slug="gouda")
    gemeente = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY, municipality=gouda)
    assert reserve(shared_hub, organisation=gemeente).municipality_id == gouda.pk
    with pytest.raises(errors.ShareUsedUp):  # its share is one door, already in use
        reserve(shared_hub, organisation=gemeente)
    with pytest.raises(errors.MunicipalityNotAllowed):
        reserve(shared_hub, organisation=gemeente,
                municipality=Municipality.objects.get(slug="leiden"))


def test_a_municipality_without_a_share_cannot_be_charged(frozen_now, shared_hub):
    alphen, _ = Municipality.objects.get_or_create(
        slug="alphen", defaults={"name": "Alphen aan den Rijn", "cbs_code": "GM0484"})
    with pytest.raises(errors.MunicipalityNotSharing):
        reserve(shared_hub, municipality=alphen)


def test_a_hub_with_one_share_charges_it(frozen_now):
    hub = HubFactory()
    gouda, _ = Municipality.objects.get_or_create(
        slug="gouda", defaults={"name": "Gouda", "cbs_code": "GM0513"})
    HubShare.objects.create(hub=hub, municipality=gouda, dock_share_percent=34)
    assert reserve(hub).municipality_id == gouda.pk
    with pytest.raises(errors.ShareUsedUp):
        reserve(hub)


def test_a_cancelled_slot_frees_its_door_and_cannot_be_cancelled_twice(frozen_now):
    hub = HubFactory()
    DockDoor.objects.filter(hub=hub).exclude(code="V1").update(is_active=False)
    first = reserve(hub)
    dock_reservation_cancel(reservation=first)
    assert first.status == ReservationStatus.CANCELLED
    assert reserve(hub).door.code == "V1"
    with pytest.raises(errors.InvalidReservationState):
        dock_reservation_cancel(reservation=first)


def test_availability_lists_grid_starts_with_their_free_doors(frozen_now):
    hub = HubFactory()
    reserve(hub, start="08:00", end="08:30")
    slots = dock_availability(hub=hub, day=SATURDAY, duration_minutes=30,
                              vehicle_length_m=Decimal("7"))
    by_start = {slot.start.strftime("%H:%M"): slot.free_doors for slot in slots}
    assert by_start["06:00"] == 3
    assert by_start["08:00"] == 2
    assert "19:45" not in by_start  # would end after closing
    assert all(slot.start.minute % 15 == 0 for slot in slots)


def test_past_and_unaware_times_are_refused(frozen_now):
    hub = HubFactory()
    with pytest.raises(booking_errors.InThePast):
        dock_reservation_create(hub=hub, organisation=OrganisationFactory(),
                                start=at(FRIDAY, "05:00"), end=at(FRIDAY, "05:30"),
                                vehicle_length_m=5)
    with pytest.raises(booking_errors.InvalidLocalTime):
        dock_reservation_create(hub=hub, organisation=OrganisationFactory(),
                                start=dt.datetime(2026, 3, 28, 8), end=at(SATURDAY, "08:30"),
                                vehicle_length_m=5)


def test_storage_is_refused_when_any_day_would_be_over_full(frozen_now):
    hub = HubFactory(storage_pallet_places=10)
    carrier = OrganisationFactory()
    storage_reservation_create(hub=hub, organisation=carrier, pallets=6,
                               start_date=SATURDAY, end_date=SATURDAY + dt.timedelta(days=2))
    with pytest.raises(errors.StorageFull):
        storage_reservation_create(hub=hub, organisation=carrier, pallets=5,
                                   start_date=SATURDAY + dt.timedelta(days=2),
                                   end_date=SATURDAY + dt.timedelta(days=4))
    later = storage_reservation_create(hub=hub, organisation=carrier, pallets=10,
                                       start_date=SATURDAY + dt.timedelta(days=3),
                                       end_date=SATURDAY + dt.timedelta(days=4))
    storage_reservation_cancel(reservation=later)
    assert later.status == ReservationStatus.CANCELLED
