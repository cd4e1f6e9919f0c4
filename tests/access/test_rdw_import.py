"""The RDW importer loads the shipped sample files, streamed in batches, and can run twice."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from access import rdw
from access.models import RegisteredFuel, RegisteredVehicle, is_zero_emission

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "access" / "fixtures"
VEHICLES = FIXTURES / "rdw_gekentekende_voertuigen_sample.csv"
FUELS = FIXTURES / "rdw_gekentekende_voertuigen_brandstof_sample.csv"


def load(batch_size="2"):
    out = io.StringIO()
    call_command("import_rdw", str(VEHICLES), str(FUELS), "--batch-size", batch_size, stdout=out)
    return out.getvalue()


def test_the_sample_loads_every_plate_with_its_facts():
    output = load()
    assert "Vehicles: 6 loaded, 1 rows skipped." in output
    assert "Fuels: 7 loaded, 0 rows skipped." in output
    van = RegisteredVehicle.objects.get(plate="VB123K")
    assert van.vehicle_kind == "Bedrijfsauto"
    assert (van.brand, van.trade_name) == ("RENAULT", "MASTER E-TECH")
    assert van.first_admission == dt.date(2023, 5, 12)
    assert (van.mass_ready_kg, van.max_mass_kg, van.length_cm) == (2450, 3500, 620)
    assert van.fuels == ["Elektriciteit"]
    assert RegisteredVehicle.objects.get(plate="VJ345P").length_cm is None


def test_a_plate_is_zero_emission_only_when_all_its_fuels_are_electricity_or_hydrogen():
    load()
    zero = set(RegisteredVehicle.objects.filter(zero_emission=True).values_list("plate", flat=True))
    assert zero == {"VB123K", "VH012N"}  # electric van and hydrogen truck
    hybrid = RegisteredVehicle.objects.get(plate="VF789M")
    assert hybrid.fuels == ["Benzine", "Elektriciteit"] and not hybrid.zero_emission
    assert RegisteredVehicle.objects.get(plate="VK678R").fuels == []  # a trailer: no fuel
    assert not RegisteredVehicle.objects.get(plate="VK678R").zero_emission


def test_a_fuel_row_without_its_vehicle_is_kept_for_a_later_vehicle_file():
    load()
    assert RegisteredFuel.objects.filter(plate="VL901S").exists()
    assert not RegisteredVehicle.objects.filter(plate="VL901S").exists()


def test_loading_the_same_files_twice_changes_nothing():
    load()
    before = list(RegisteredVehicle.objects.order_by("plate").values_list("plate", "fuels",
                                                                          "zero_emission"))
    load(batch_size="1000")
    after = list(RegisteredVehicle.objects.order_by("plate").values_list("plate", "fuels",
                                                                         "zero_emission"))
    assert before == after
    assert RegisteredFuel.objects.count() == 7


def test_a_changed_register_row_is_updated_not_duplicated():
    load()
    changed = io.StringIO(
        "Kenteken,Voertuigsoort,Merk,Handelsbenaming,Datum eerste toelating,Massa rijklaar,"
        "Toegestane maximum massa voertuig,Lengte\n"
        "VD456L,Bedrijfsauto,MERCEDES-BENZ,ESPRINTER,20190301,2300,3500,593\n"
    )
    rdw.import_vehicles(changed)
    fuels = io.StringIO("Kenteken,Brandstof volgnummer,Brandstof omschrijving,Emissieklasse\n"
                        "VD456L,1,Elektriciteit,\n")
    rdw.import_fuels(fuels)
    van = RegisteredVehicle.objects.get(plate="VD456L")
    assert (van.trade_name, van.mass_ready_kg, van.zero_emission) == ("ESPRINTER", 2300, True)
    assert RegisteredVehicle.objects.filter(plate="VD456L").count() == 1


def test_the_importer_reads_rows_one_batch_at_a_time():
    """A generator that fails after the first batch proves nothing reads the whole file first."""
    header = ("Kenteken,Voertuigsoort,Merk,Handelsbenaming,Datum eerste toelating,"
              "Massa rijklaar,Toegestane maximum massa voertuig,Lengte\n")
    read = []

    class Lines:
        def __iter__(self):
            yield header
            for n in range(10):
                read.append(n)
                yield f"VB{100 + n}K,Bedrijfsauto,X,Y,20200101,1,2,3\n"

    seen = []
    rdw.import_vehicles(Lines(), batch_size=3, progress=lambda count: seen.append(
        (count, len(read))))
    # After the first batch of 3 was written, at most one row more had been read.
    assert seen[0][0] == 3 and seen[0][1] <= 4
    assert RegisteredVehicle.objects.count() == 10


@pytest.mark.parametrize("fuels, expected", [
    (["Elektriciteit"], True), (["Waterstof"], True), (["Elektriciteit", "Waterstof"], True),
    (["Benzine", "Elektriciteit"], False), (["Diesel"], False), ([], False),
])
def test_zero_emission_rule(fuels, expected):
    assert is_zero_emission(fuels) is expected
