"""The national regime as data: every rule row on both sides of its boundaries."""

import copy
import datetime as dt
import json

import pytest

from access.regime import (
    DATA_FILE,
    LIMITED,
    NEVER,
    NOT_SUBJECT,
    ZERO_EMISSION,
    RegimeVehicle,
    emission_class,
    national_regime,
    regime_from_data,
)

D = dt.date


VAN_ADMITTED = D(2019, 3, 1)


def van(klass, admitted=VAN_ADMITTED, **kw):
    return RegimeVehicle(False, "N1", first_admission=admitted, emission_class=klass, **kw)


def truck(admitted, body="gesloten opbouw", klass=6, category="N3"):
    return RegimeVehicle(False, category, body_type=body, first_admission=admitted,
                         emission_class=klass)


def allowed(vehicle, day, regime=None):
    standing = (regime or national_regime()).standing(vehicle, day)
    return standing.kind != LIMITED or day < standing.until


def test_every_rule_names_a_source_with_title_and_url():
    data = json.loads(DATA_FILE.read_text())
    for rule in data["rules"]:
        source = data["sources"][rule["source"]]
        assert source["title"] and source["url"].startswith("https://")
        assert rule["valid_from"]


def test_zero_emission_and_passenger_cars():
    regime = national_regime()
    assert regime.standing(RegimeVehicle(True, "N1"), D(2031, 1, 1)).kind == ZERO_EMISSION
    assert regime.standing(RegimeVehicle(False, "M1"), D(2031, 1, 1)).kind == NOT_SUBJECT
    assert regime.standing(RegimeVehicle(False, "L3e"), D(2031, 1, 1)).kind == NOT_SUBJECT


@pytest.mark.parametrize("admitted, day, expected", [
    (D(2024, 12, 31), D(2025, 6, 1), True),    # Euro 6 van of 2024: transitional
    (D(2025, 1, 1), D(2025, 6, 1), False),     # first admitted in 2025: must be ZE
    (D(2025, 1, 1), D(2024, 12, 31), True),    # the rule is not in force before 2025
])
def test_first_admission_from_2025(admitted, day, expected):
    assert allowed(van(6, admitted), day) is expected


@pytest.mark.parametrize("klass, day, expected", [
    (4, D(2025, 1, 1), False), (3, D(2025, 1, 1), False), (None, D(2025, 1, 1), False),
    (5, D(2026, 12, 31), True), (5, D(2027, 1, 1), False),
    (6, D(2027, 12, 31), True), (6, D(2028, 1, 1), True),   # the extension
    (6, D(2028, 12, 31), True), (6, D(2029, 1, 1), False),
])
def test_vans_by_emission_class(klass, day, expected):
    assert allowed(van(klass), day) is expected


def test_the_2029_extension_is_a_data_row():
    """Before the extension was published a day's answer ended in 2028; without the row, 2028."""
    regime = national_regime()
    assert regime.standing(van(6), D(2025, 3, 13)).until == D(2028, 1, 1)
    assert regime.standing(van(6), D(2025, 3, 14)).until == D(2029, 1, 1)
    data = json.loads(DATA_FILE.read_text())
    without = copy.deepcopy(data)
    without["rules"] = [r for r in without["rules"] if r["id"] != "van_class_6_extended"]
    for rule in without["rules"]:
        if rule["id"] == "van_class_6":
            rule["valid_until"] = None
    old = regime_from_data(without)
    assert allowed(van(6), D(2027, 12, 31), old)
    assert not allowed(van(6), D(2028, 1, 1), old)


@pytest.mark.parametrize("vehicle, last_allowed, first_refused", [
    (truck(D(2017, 1, 1), "opleggertrekker"), D(2029, 12, 31), D(2030, 1, 1)),
    (truck(D(2016, 12, 31), "Opleggertrekker"), None, D(2025, 1, 1)),
    (truck(D(2020, 1, 1)), D(2029, 12, 31), D(2030, 1, 1)),
    (truck(D(2019, 12, 31)), D(2027, 12, 31), D(2028, 1, 1)),
    (truck(D(2017, 1, 1)), D(2027, 12, 31), D(2028, 1, 1)),
    (truck(D(2016, 12, 31)), None, D(2025, 1, 1)),
    (truck(D(2021, 5, 1), klass=5), None, D(2025, 1, 1)),
    (truck(D(2021, 5, 1), category="N2"), D(2029, 12, 31), D(2030, 1, 1)),
])
def test_trucks(vehicle, last_allowed, first_refused):
    if last_allowed:
        assert allowed(vehicle, last_allowed)
    assert not allowed(vehicle, first_refused)


def test_from_2030_only_zero_emission():
    standing = national_regime().standing(truck(D(2021, 5, 1), "opleggertrekker"), D(2030, 1, 1))
    assert standing.until == D(2030, 1, 1)
    assert national_regime().standing(van(4), D(2030, 1, 1)).until == NEVER


def test_category_missing_falls_back_on_kind_and_mass():
    regime = national_regime()
    assert regime.group(RegimeVehicle(False, "", vehicle_kind="Bedrijfsauto",
                                      max_mass_kg=3500)) == "van"
    assert regime.group(RegimeVehicle(False, "", vehicle_kind="Bedrijfsauto",
                                      max_mass_kg=12000)) == "truck"
    assert regime.group(RegimeVehicle(False, "", vehicle_kind="Personenauto")) is None


def test_national_exemptions_from_the_register():
    regime = national_regime()
    assert regime.standing(van(4, body_type="ambulance"), D(2026, 1, 1)).exemption == "ambulance"
    assert regime.standing(van(4, wheelchair_places=1), D(2026, 1, 1)).kind == NOT_SUBJECT
    assert regime.standing(van(4, wheelchair_places=0), D(2026, 1, 1)).kind == LIMITED


@pytest.mark.parametrize("values, expected", [
    (("6",), 6), (("", "EURO 6 AG"), 6), (("", "EURO VI D"), 6), (("5",), 5),
    (("", "EURO IV"), 4), (("",), None), (("Z",), None),
])
def test_emission_class_from_register_fields(values, expected):
    assert emission_class(*values) == expected
