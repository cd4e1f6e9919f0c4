"""Write RDW open-data exports (vehicles and fuels) of any size, for tests, benchmarks and demos.

Rows are written one at a time, so a file of millions of vehicles costs no memory.
Columns are those of the published exports, in their order; the values cover every
branch of the zero-emission regime: electric vans, vans of emission class 3 to 6,
tractor units and rigid trucks of several ages, and passenger cars.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import string

from .rdw import FUEL_COLUMNS, VEHICLE_COLUMNS

LETTERS = string.ascii_uppercase


def sample_plate(index: int) -> str:
    """A distinct plate of side code XX-999-X for each index below 17,576,000."""
    letters, number = divmod(index, 1000)
    letters, last = divmod(letters, 26)
    second, first = divmod(letters, 26)
    return f"{LETTERS[first % 26]}{LETTERS[second % 26]}{number:03d}{LETTERS[last]}"


#: (share, Voertuigsoort, category, Inrichting, fuel, Emissieklasse, Uitlaatemissieniveau, years)
PROFILES = [
    (18, "Bedrijfsauto", "N1", "gesloten opbouw", "Elektriciteit", "", "", (2019, 2026)),
    (8, "Bedrijfsauto", "N1", "gesloten opbouw", "Diesel", "4", "EURO 4", (2006, 2010)),
    (12, "Bedrijfsauto", "N1", "gesloten opbouw", "Diesel", "5", "EURO 5 A", (2010, 2015)),
    (25, "Bedrijfsauto", "N1", "gesloten opbouw", "Diesel", "6", "EURO 6 AG", (2016, 2026)),
    (6, "Bedrijfsauto", "N3", "opleggertrekker", "Diesel", "", "EURO VI D", (2014, 2026)),
    (8, "Bedrijfsauto", "N2", "bakwagen", "Diesel", "", "EURO VI C", (2014, 2026)),
    (3, "Bedrijfsauto", "N3", "bakwagen", "Waterstof", "", "", (2021, 2026)),
    (20, "Personenauto", "M1", "hatchback", "Benzine", "6", "EURO 6 AP", (2012, 2026)),
]


def _profile(rng: random.Random):
    pick = rng.uniform(0, sum(p[0] for p in PROFILES))
    for profile in PROFILES:
        pick -= profile[0]
        if pick <= 0:
            return profile
    return PROFILES[-1]


def sample_rows(count: int, seed: int = 1):
    """(vehicle row, fuel row) dicts for `count` vehicles, generated lazily."""
    rng = random.Random(seed)
    for index in range(count):
        _share, kind, category, body, fuel, klass, level, years = _profile(rng)
        admitted = dt.date(rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28))
        plate = sample_plate(index)
        truck = category in ("N2", "N3")
        mass = rng.randint(12000, 40000) if truck else rng.choice([1800, 3000, 3500])
        vehicle = {
            "Kenteken": plate, "Voertuigsoort": kind, "Merk": "VENSTER", "Handelsbenaming":
            "SAMPLE", "Inrichting": body, "Aantal zitplaatsen": "3",
            "Toegestane maximum massa voertuig": str(mass),
            "Massa rijklaar": str(mass // 2), "Datum eerste toelating": admitted.strftime("%Y%m%d"),
            "Lengte": str(rng.randint(1200, 1650) if truck else rng.randint(420, 700)),
            "Breedte": "200", "Europese voertuigcategorie": category,
            "Aantal rolstoelplaatsen": "0",
        }
        fuel_row = {"Kenteken": plate, "Brandstof volgnummer": "1",
                    "Brandstof omschrijving": fuel, "Emissieklasse": klass,
                    "Uitlaatemissieniveau": level}
        yield vehicle, fuel_row


def write_exports(vehicles_stream, fuels_stream, count: int, seed: int = 1) -> None:
    """Write both exports for `count` vehicles, with the published headers."""
    vehicles = csv.DictWriter(vehicles_stream, fieldnames=VEHICLE_COLUMNS, restval="")
    fuels = csv.DictWriter(fuels_stream, fieldnames=FUEL_COLUMNS, restval="")
    vehicles.writeheader()
    fuels.writeheader()
    for vehicle, fuel in sample_rows(count, seed):
        vehicles.writerow(vehicle)
        fuels.writerow(fuel)
