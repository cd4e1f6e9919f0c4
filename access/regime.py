"""The national regime for zero-emission zones, read from data and applied to a vehicle.

The rules live in data/zero_emission_regime.json, each with its source and the
dates between which it is the rule in force, so that an announced change (such
as the extension for emission class 6 vans) is a new row, not new code. This
module is plain Python: it knows vehicles only as `RegimeVehicle` facts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "zero_emission_regime.json"

#: the standing of a vehicle under the regime
ZERO_EMISSION = "zero_emission"
NOT_SUBJECT = "not_subject"
LIMITED = "limited"

VAN, TRUCK = "van", "truck"
TRACTOR, RIGID = "tractor", "rigid"
NEVER = dt.date.min


@dataclass(frozen=True)
class RegimeVehicle:
    """What the regime needs of a vehicle, as the register lists it."""

    zero_emission: bool
    eu_category: str = ""
    vehicle_kind: str = ""
    body_type: str = ""
    first_admission: dt.date | None = None
    emission_class: int | None = None
    max_mass_kg: int | None = None
    wheelchair_places: int | None = None


@dataclass(frozen=True)
class Standing:
    """A vehicle under the regime: zero-emission, not subject, or limited.

    A limited vehicle may enter a zone in force until `until` (the first day it is
    refused; NEVER when refused from the zone's start), then is refused with `code`.
    `rule` and `source` name the row that decided, for the record.
    """

    kind: str
    until: dt.date | None = None
    code: str | None = None
    rule: str = ""
    source: str = ""
    exemption: str = ""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Rule:
    id: str
    vehicle: str
    access_until: dt.date | None
    code: str
    valid_from: dt.date
    valid_until: dt.date | None
    source: str
    body: str | None = None
    emission_class_min: int | None = None
    emission_class_max: int | None = None
    first_admission_from: dt.date | None = None
    first_admission_before: dt.date | None = None

    def in_force(self, as_of: dt.date) -> bool:
        return self.valid_from <= as_of and (self.valid_until is None or as_of <= self.valid_until)

    def matches(self, group: str, body: str, vehicle: RegimeVehicle) -> bool:
        if self.vehicle not in ("any", group) or (self.body and self.body != body):
            return False
        emission_class = vehicle.emission_class or 0  # unknown: no transitional right
        if self.emission_class_min is not None and emission_class < self.emission_class_min:
            return False
        if self.emission_class_max is not None and emission_class > self.emission_class_max:
            return False
        # Without a first admission date only the rows that need none can match.
        admitted = vehicle.first_admission
        if self.first_admission_from and (admitted is None or admitted < self.first_admission_from):
            return False
        return not (self.first_admission_before and (
            admitted is None or admitted >= self.first_admission_before))


@dataclass(frozen=True)
class Regime:
    subject: dict[str, frozenset[str]]
    rules: tuple[Rule, ...]
    only_zero_emission_from: dt.date
    only_zero_emission_code: str
    tractor_body_types: frozenset[str]
    national_exemptions: tuple[dict, ...]
    sources: dict[str, dict]

    def group(self, vehicle: RegimeVehicle) -> str | None:
        """van, truck, or None (not subject), by the European vehicle category.

        Where the register gives no category, a commercial vehicle (Bedrijfsauto)
        is a van up to 3,500 kg maximum mass and a truck above it.
        """
        category = vehicle.eu_category.strip().upper()
        for group, categories in self.subject.items():
            if category in categories:
                return group
        if not category and vehicle.vehicle_kind.strip().lower() == "bedrijfsauto":
            return VAN if (vehicle.max_mass_kg or 0) <= 3500 else TRUCK
        return None

    def body(self, vehicle: RegimeVehicle) -> str:
        return TRACTOR if vehicle.body_type.strip().lower() in self.tractor_body_types else RIGID

    def national_exemption(self, vehicle: RegimeVehicle) -> dict | None:
        body_type = vehicle.body_type.strip().lower()
        for exemption in self.national_exemptions:
            if body_type and body_type in exemption.get("body_types", ()):
                return exemption
            least = exemption.get("wheelchair_places_min")
            if least is not None and (vehicle.wheelchair_places or 0) >= least:
                return exemption
        return None

    def standing(self, vehicle: RegimeVehicle, as_of: dt.date) -> Standing:
        """The vehicle's standing under the rules in force on `as_of` (the day asked)."""
        if vehicle.zero_emission:
            return Standing(ZERO_EMISSION)
        group = self.group(vehicle)
        if group is None:
            return Standing(NOT_SUBJECT)
        exemption = self.national_exemption(vehicle)
        if exemption is not None:
            return Standing(NOT_SUBJECT, rule=exemption["id"], source=exemption["source"],
                            exemption=exemption["id"])
        body = self.body(vehicle)
        in_force = [rule for rule in self.rules if rule.in_force(as_of)]
        if not in_force:
            return Standing(NOT_SUBJECT)  # before the regime began
        for rule in in_force:
            if rule.matches(group, body, vehicle):
                until = rule.access_until or NEVER
                if until > self.only_zero_emission_from:
                    until = self.only_zero_emission_from
                code = (self.only_zero_emission_code if until == self.only_zero_emission_from
                        and until != rule.access_until else rule.code)
                return Standing(LIMITED, until=until, code=code, rule=rule.id,
                                source=rule.source)
        # No transitional row covers it: only zero-emission enters.
        return Standing(LIMITED, until=NEVER, code=self.only_zero_emission_code)


def regime_from_data(data: dict) -> Regime:
    rules = tuple(
        Rule(id=r["id"], vehicle=r["vehicle"], access_until=_date(r.get("access_until")),
             code=r["code"], valid_from=_date(r["valid_from"]),
             valid_until=_date(r.get("valid_until")), source=r["source"], body=r.get("body"),
             emission_class_min=r.get("emission_class_min"),
             emission_class_max=r.get("emission_class_max"),
             first_admission_from=_date(r.get("first_admission_from")),
             first_admission_before=_date(r.get("first_admission_before")))
        for r in data["rules"]
    )
    for rule in rules:
        if rule.source not in data["sources"]:
            raise ValueError(f"Rule {rule.id} names an unknown source {rule.source!r}.")
    final = data["only_zero_emission_from"]
    return Regime(
        subject={g: frozenset(v["eu_categories"]) for g, v in data["subject"].items()},
        rules=rules,
        only_zero_emission_from=_date(final["date"]),
        only_zero_emission_code=final["code"],
        tractor_body_types=frozenset(t.lower() for t in data["tractor_body_types"]),
        national_exemptions=tuple(data["national_exemptions"]),
        sources=data["sources"],
    )


@lru_cache(maxsize=1)
def national_regime() -> Regime:
    """The regime as shipped; read once a process."""
    with open(DATA_FILE, encoding="utf-8") as stream:
        return regime_from_data(json.load(stream))


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
_CLASS = re.compile(r"(?:EURO\s*)?([0-9]|VI|IV|V|III|II|I)\b", re.IGNORECASE)


def emission_class(*values: str) -> int | None:
    """The Euro emission class from the register's fields, the first that says one.

    The fuel file gives Emissieklasse as a digit ("6") and Uitlaatemissieniveau as
    text ("EURO 6 AG", "EURO VI D"); heavy vehicles may carry only the latter.
    """
    for value in values:
        value = (value or "").strip()
        if not value:
            continue
        match = _CLASS.match(value.upper().replace("EURO", "EURO "))
        if match:
            token = match.group(1).upper()
            return int(token) if token.isdigit() else _ROMAN[token]
    return None
