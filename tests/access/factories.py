"""Factories for the register and exemptions."""

import datetime as dt

import factory

from access.models import Exemption, RegisteredVehicle
from tests.factories import MunicipalityFactory


class RegisteredVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisteredVehicle
        django_get_or_create = ["plate"]

    plate = factory.Sequence(lambda n: f"VR{100 + n % 900}K")
    vehicle_kind = "Bedrijfsauto"
    fuels = ["Diesel"]
    zero_emission = False


class ExemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exemption

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Exemption.Kind.LONG_TERM
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2026, 12, 31)
    days_per_year = 12
