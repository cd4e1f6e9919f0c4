"""The importer keeps what the zero-emission regime needs, from files in the published layout,
and streams in bounded memory whatever the size of the file."""

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from access import rdw
from access.models import RegisteredFuel, RegisteredVehicle
from access.rdw_sample import sample_plate, write_exports

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "access" / "fixtures"
VEHICLES = FIXTURES / "rdw_regime_voertuigen.csv"
FUELS = FIXTURES / "rdw_regime_brandstof.csv"


def load_regime_fixture():
    with rdw.open_csv(VEHICLES) as stream:
        rdw.import_vehicles(stream)
    with rdw.open_csv(FUELS) as stream:
        rdw.import_fuels(stream)


def test_the_fixture_is_in_the_published_column_order():
    header = VEHICLES.read_text().splitlines()[0].split(",")
    assert header == rdw.VEHICLE_COLUMNS
    assert header.index("Inrichting") < header.index("Datum eerste toelating") < header.index(
        "Europese voertuigcategorie")
    assert FUELS.read_text().splitlines()[0].split(",") == rdw.FUEL_COLUMNS


def test_category_body_type_first_admission_and_emission_class_are_kept():
    load_regime_fixture()
    tractor = RegisteredVehicle.objects.get(plate="VT618T")
    assert (tractor.eu_category, tractor.body_type) == ("N3", "opleggertrekker")
    assert tractor.first_admission == dt.date(2018, 5, 10)
    assert tractor.emission_class == 6  # from "EURO VI D", no Emissieklasse given
    assert RegisteredVehicle.objects.get(plate="VN505E").emission_class == 5
    assert RegisteredFuel.objects.get(plate="VN505E").emission_level == "EURO 5 B"
    electric = RegisteredVehicle.objects.get(plate="ZE101V")
    assert electric.zero_emission and electric.emission_class is None
    assert RegisteredVehicle.objects.get(plate="PA606C").eu_category == "M1"


def test_generated_exports_load_every_vehicle(tmp_path):
    vehicles, fuels = tmp_path / "v.csv", tmp_path / "f.csv"
    with open(vehicles, "w", newline="") as v, open(fuels, "w", newline="") as f:
        write_exports(v, f, 300, seed=3)
    with rdw.open_csv(vehicles) as stream:
        assert rdw.import_vehicles(stream, batch_size=64).vehicles == 300
    with rdw.open_csv(fuels) as stream:
        rdw.import_fuels(stream, batch_size=64)
    assert RegisteredVehicle.objects.count() == 300
    assert len({sample_plate(i) for i in range(20000)}) == 20000
    kinds = set(RegisteredVehicle.objects.values_list("eu_category", "body_type"))
    assert {("N1", "gesloten opbouw"), ("N3", "opleggertrekker"), ("M1", "hatchback")} <= kinds


def peak_of_import(folder: Path, count: int) -> int:
    vehicles, fuels = folder / f"v{count}.csv", folder / f"f{count}.csv"
    with open(vehicles, "w", newline="") as v, open(fuels, "w", newline="") as f:
        write_exports(v, f, count, seed=count)
    tracemalloc.start()
    try:
        with rdw.open_csv(vehicles) as stream:
            rdw.import_vehicles(stream, batch_size=500)
        with rdw.open_csv(fuels) as stream:
            rdw.import_fuels(stream, batch_size=500)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_does_not_grow_with_the_file(tmp_path):
    """Eight times the rows, the same peak: the importer holds one batch, never the file."""
    small = peak_of_import(tmp_path, 1_500)
    large = peak_of_import(tmp_path, 12_000)
    budget = 6 * 2**20
    assert large < budget, f"peak {large / 2**20:.1f} MB over the budget"
    assert large < small * 1.5 + 2**20, (small, large)
    assert RegisteredVehicle.objects.count() == 12_000  # the plates of the first file again
