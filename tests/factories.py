"""Small factories: a zone with Leiden's standard windows, a bay, organisations, vehicles."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from organisations.models import Membership, Organisation, Vehicle
from places.models import LoadingBay, Municipality, TimeWindow, Zone


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["slug"]

    name = "Leiden"
    slug = "leiden"
    cbs_code = "GM0546"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Zone {n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    max_stay_minutes = 60
    buffer_minutes = 0
    book_ahead_days = 28

    @factory.post_generation
    def standard_windows(zone, create, extracted, **kwargs):
        """07:00-11:00 for all, 11:00-18:00 zero-emission only, every day of the week."""
        if not create or extracted is False:
            return
        for weekday in range(7):
            TimeWindow.objects.create(zone=zone, weekday=weekday, start=dt.time(7),
                                      end=dt.time(11), zero_emission_only=False)
            TimeWindow.objects.create(zone=zone, weekday=weekday, start=dt.time(11),
                                      end=dt.time(18), zero_emission_only=True)


class BayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoadingBay

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    street = "Breestraat"
    latitude = 52.158
    longitude = 4.492
    kerb_length_m = Decimal("20")
    max_vehicles = 3
    max_vehicle_length_m = Decimal("10")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.CARRIER


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    organisation = factory.SubFactory(OrganisationFactory)
    plate = factory.Sequence(lambda n: f"VX{n:03d}B"[:6] if n < 1000 else f"V{n:04d}B")
    category = Vehicle.Category.VAN
    length_m = Decimal("6")
    weight_kg = 3500
    zero_emission = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.PLANNER


# --- Hubs (shared hubs, collectors) -------------------------------------------------


class HubFactory(factory.django.DjangoModelFactory):
    """A hub open 06:00-20:00 every day, with two van doors and one truck door."""

    class Meta:
        model = "hubs.Hub"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Hub {n}")
    slug = factory.Sequence(lambda n: f"hub-{n}")
    latitude = 52.135
    longitude = 4.55
    storage_pallet_places = 40
    slot_minutes = 15
    handling_minutes = 30

    @factory.post_generation
    def standard_setup(hub, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from hubs.models import DockDoor, HubOpeningHours

        for weekday in range(7):
            HubOpeningHours.objects.create(hub=hub, weekday=weekday, opens=dt.time(6),
                                           closes=dt.time(20))
        for code, length in [("V1", "8"), ("V2", "8"), ("T1", "18")]:
            DockDoor.objects.create(hub=hub, code=code, max_vehicle_length_m=Decimal(length))


class CollectorVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.CollectorVehicle"
        skip_postgeneration_save = True

    vehicle = factory.SubFactory(
        VehicleFactory, zero_emission=True,
        organisation=factory.SubFactory(OrganisationFactory, kind="waste_collector"),
    )
    depot = factory.SubFactory(HubFactory)
    shift_start = dt.time(7)
    shift_end = dt.time(16)
    max_trips = 3

    @factory.post_generation
    def capacities(cv, create, extracted, **kwargs):
        """`capacities={"residual": 1000, ...}`; by default 1000 litres of every stream."""
        if not create:
            return
        from hubs.models import Compartment, CompartmentKind

        for kind, litres in (extracted or dict.fromkeys(CompartmentKind.values, 1000)).items():
            Compartment.objects.create(vehicle=cv, kind=kind, capacity_litres=litres)
