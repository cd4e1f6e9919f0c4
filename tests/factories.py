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
