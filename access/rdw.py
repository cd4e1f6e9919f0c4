"""Load the RDW open data (national vehicle register) into RegisteredVehicle and RegisteredFuel.

The real files hold millions of rows, so both are streamed: rows are read one
at a time, collected into batches of `batch_size` and upserted, and nothing
else is kept in memory. Loading the same files twice changes nothing.

Files (CSV exports of opendata.rdw.nl, column names as published; the
reader goes by the header, so column order and extra columns do not matter):
- Gekentekende voertuigen (m9d7-ebf2): Kenteken, Voertuigsoort, Merk,
  Handelsbenaming, Inrichting, Toegestane maximum massa voertuig,
  Massa rijklaar, Datum eerste toelating, Lengte, Europese voertuigcategorie,
  Aantal rolstoelplaatsen.
- Gekentekende_voertuigen_brandstof (8ys7-d773): Kenteken,
  Brandstof volgnummer, Brandstof omschrijving, Emissieklasse,
  Uitlaatemissieniveau.
The zero-emission regime needs the category, the body type (opleggertrekker),
the first admission and the emission class; see regime.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from organisations.plates import normalise_plate

from .models import RegisteredFuel, RegisteredVehicle, is_zero_emission
from .regime import emission_class

BATCH_SIZE = 2000

VEHICLE_FIELDS = ["vehicle_kind", "brand", "trade_name", "first_admission", "mass_ready_kg",
                  "max_mass_kg", "length_cm", "eu_category", "body_type", "wheelchair_places"]

#: The first columns of the published vehicles export, in their published order.
VEHICLE_COLUMNS = [
    "Kenteken", "Voertuigsoort", "Merk", "Handelsbenaming", "Vervaldatum APK",
    "Datum tenaamstelling", "Bruto BPM", "Inrichting", "Aantal zitplaatsen", "Eerste kleur",
    "Tweede kleur", "Aantal cilinders", "Cilinderinhoud", "Massa ledig voertuig",
    "Toegestane maximum massa voertuig", "Massa rijklaar", "Maximum massa trekken ongeremd",
    "Maximum trekken massa geremd", "Datum eerste toelating",
    "Datum eerste tenaamstelling in Nederland", "Wacht op keuren", "Catalogusprijs",
    "WAM verzekerd", "Maximale constructiesnelheid", "Laadvermogen", "Oplegger geremd",
    "Aanhangwagen autonoom geremd", "Aanhangwagen middenas geremd", "Aantal staanplaatsen",
    "Aantal deuren", "Aantal wielen", "Afstand hart koppeling tot achterzijde voertuig",
    "Afstand voorzijde voertuig tot hart koppeling", "Afwijkende maximum snelheid", "Lengte",
    "Breedte", "Europese voertuigcategorie", "Europese voertuigcategorie toevoeging",
    "Europese uitvoeringcategorie toevoeging", "Plaats chassisnummer",
    "Technische max. massa voertuig", "Type", "Type gasinstallatie", "Typegoedkeuringsnummer",
    "Variant", "Uitvoering", "Volgnummer wijziging EU typegoedkeuring",
    "Vermogen massarijklaar", "Wielbasis", "Export indicator",
    "Openstaande terugroepactie indicator", "Vervaldatum tachograaf", "Taxi indicator",
    "Maximum massa samenstelling", "Aantal rolstoelplaatsen",
]
#: The first columns of the published fuel export, in their published order.
FUEL_COLUMNS = [
    "Kenteken", "Brandstof volgnummer", "Brandstof omschrijving",
    "Brandstofverbruik buiten de stad", "Brandstofverbruik gecombineerd",
    "Brandstofverbruik stad", "CO2 uitstoot gecombineerd", "CO2 uitstoot gewogen",
    "Geluidsniveau rijdend", "Geluidsniveau stationair", "Emissieklasse",
    "Milieuklasse EG Goedkeuring (licht)", "Milieuklasse EG Goedkeuring (zwaar)",
    "Uitstoot deeltjes (licht)", "Uitstoot deeltjes (zwaar)", "Nettomaximumvermogen",
    "Nominaal continu maximumvermogen", "Roetuitstoot", "Toerental geluidsniveau",
    "Uitlaatemissieniveau",
]


@dataclass
class ImportResult:
    vehicles: int = 0
    fuels: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = int(float(value.replace(",", ".")))
    except ValueError:
        return None
    return number if number >= 0 else None


DATE_FORMATS = ["%Y%m%d", "%d/%m/%Y", "%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%dT%H:%M:%S.%f",
                "%Y-%m-%dT%H:%M:%S"]


def _date(value: str | None) -> dt.date | None:
    """RDW dates come as 20190315 in the CSV export, and in other shapes from other exports."""
    value = (value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _reader(stream) -> csv.DictReader:
    """A DictReader that tolerates a byte-order mark and spaces around column names."""
    reader = csv.DictReader(stream)
    if reader.fieldnames:
        reader.fieldnames = [name.strip().lstrip("\ufeff") for name in reader.fieldnames]
    return reader


def _vehicle(row: dict) -> RegisteredVehicle | None:
    plate = normalise_plate(row.get("Kenteken", ""))
    if not plate or len(plate) > 8:
        return None
    return RegisteredVehicle(
        plate=plate,
        vehicle_kind=(row.get("Voertuigsoort") or "").strip()[:60],
        brand=(row.get("Merk") or "").strip()[:60],
        trade_name=(row.get("Handelsbenaming") or "").strip()[:80],
        first_admission=_date(row.get("Datum eerste toelating")),
        mass_ready_kg=_int(row.get("Massa rijklaar")),
        max_mass_kg=_int(row.get("Toegestane maximum massa voertuig")),
        # The register gives length in centimetres; 0 means unknown.
        length_cm=_int(row.get("Lengte")) or None,
        eu_category=(row.get("Europese voertuigcategorie") or "").strip().upper()[:8],
        body_type=(row.get("Inrichting") or "").strip()[:60],
        wheelchair_places=_int(row.get("Aantal rolstoelplaatsen")),
    )


def _fuel(row: dict) -> RegisteredFuel | None:
    plate = normalise_plate(row.get("Kenteken", ""))
    sequence = _int(row.get("Brandstof volgnummer"))
    fuel = (row.get("Brandstof omschrijving") or "").strip()
    if not plate or len(plate) > 8 or sequence is None or not fuel:
        return None
    return RegisteredFuel(plate=plate, sequence=sequence, fuel=fuel[:40],
                          emission_class=(row.get("Emissieklasse") or "").strip()[:10],
                          emission_level=(row.get("Uitlaatemissieniveau") or "").strip()[:30])


def import_vehicles(stream, *, batch_size: int = BATCH_SIZE,
                    progress: Callable[[int], None] | None = None) -> ImportResult:
    """Upsert every row of the vehicles file, batch by batch."""
    result = ImportResult()
    for rows in _batches(_reader(stream), batch_size):
        vehicles = {}
        for row in rows:
            vehicle = _vehicle(row)
            if vehicle is None:
                result.skipped += 1
                continue
            vehicles[vehicle.plate] = vehicle  # a plate twice in one batch: the last wins
        imported_at = timezone.now()
        for vehicle in vehicles.values():
            vehicle.imported_at = imported_at
        with transaction.atomic():  # one commit per batch, not per statement
            _upsert(RegisteredVehicle, vehicles.values(), unique=["plate"],
                    update=VEHICLE_FIELDS + ["imported_at"],
                    insert_only=["fuels", "zero_emission", "emission_class"])
        result.vehicles += len(vehicles)
        if progress:
            progress(result.vehicles)
    return result


def import_fuels(stream, *, batch_size: int = BATCH_SIZE,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Upsert every fuel row, then refresh fuels and zero_emission of the plates in the batch.

    A plate's fuels may be spread over batches (the file need not be sorted);
    each refresh reads all stored fuels of its plates, so the last batch that
    touches a plate leaves it right.
    """
    result = ImportResult()
    for rows in _batches(_reader(stream), batch_size):
        fuels = {}
        for row in rows:
            fuel = _fuel(row)
            if fuel is None:
                result.skipped += 1
                continue
            fuels[(fuel.plate, fuel.sequence)] = fuel
        with transaction.atomic():  # the fuels and their vehicles' summary change together
            _upsert(RegisteredFuel, fuels.values(), unique=["plate", "sequence"],
                    update=["fuel", "emission_class", "emission_level"])
            _refresh_vehicles({plate for plate, _ in fuels})
        result.fuels += len(fuels)
        if progress:
            progress(result.fuels)
    return result


def _refresh_vehicles(plates: set[str]) -> None:
    """Store each plate's fuels, whether it is zero-emission, and its emission class.

    A hybrid lists a class on its combustion fuel only; the highest class stated wins.
    """
    by_plate, classes = defaultdict(list), defaultdict(list)
    stored = RegisteredFuel.objects.filter(plate__in=plates).order_by("plate", "sequence")
    for plate, fuel, klass, level in stored.values_list("plate", "fuel", "emission_class",
                                                        "emission_level"):
        by_plate[plate].append(fuel)
        found = emission_class(klass, level)
        if found is not None:
            classes[plate].append(found)
    known = RegisteredVehicle.objects.filter(plate__in=plates).values_list("plate", flat=True)
    fuels_field = RegisteredVehicle._meta.get_field("fuels")
    table = connection.ops.quote_name(RegisteredVehicle._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET fuels = %s, zero_emission = %s, emission_class = %s "
            "WHERE plate = %s",
            [(fuels_field.get_db_prep_save(by_plate[plate], connection),
              is_zero_emission(by_plate[plate]), max(classes[plate], default=None), plate)
             for plate in known],
        )


ADAPTED = {"JSONField", "DateField", "DateTimeField"}


def _upsert(model, objects, *, unique: list[str], update: list[str],
            insert_only: list[str] = ()) -> None:
    """INSERT ... ON CONFLICT (unique) DO UPDATE, sent with executemany.

    The same statement works on PostgreSQL and SQLite. bulk_create(update_conflicts=True)
    says the same, but compiles every value of every row through the ORM, which
    is most of the time of an import of millions of rows; here the SQL is built
    once a batch and only dates and JSON are adapted per value.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in [*unique, *update, *insert_only]]
    columns = ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(
        f"{quote(meta.get_field(n).column)} = EXCLUDED.{quote(meta.get_field(n).column)}"
        for n in update
    )
    conflict = ", ".join(quote(meta.get_field(n).column) for n in unique)
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}")
    adapt = [f.get_internal_type() in ADAPTED for f in fields]
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) if a else getattr(obj, f.attname)
         for f, a in zip(fields, adapt, strict=True)]
        for obj in objects
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def open_csv(path) -> io.TextIOWrapper:
    """Open a CSV export as text, streaming; RDW exports are UTF-8, sometimes with a BOM."""
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - the caller closes it
