"""The documented backup and restore gives back identical bookings (PostgreSQL)."""

import datetime as dt
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bookings.services import booking_create
from places.localtime import LOCAL
from tests.factories import BayFactory, VehicleFactory

pytestmark = pytest.mark.django_db(transaction=True)

BOOKING_COLUMNS = "reference, bay_id, organisation_id, vehicle_id, start, \"end\", status, plate"


def _url(dbname: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


def _bookings(url: str):
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT {BOOKING_COLUMNS} FROM bookings_booking "
                            "ORDER BY reference").fetchall()


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_a_backup_restored_into_a_fresh_database_has_identical_bookings(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are for PostgreSQL; run with DATABASE_URL")
    bay = BayFactory(zone__book_ahead_days=30)
    day = dt.date.today() + dt.timedelta(days=3)
    for hour in (8, 9, 10):
        vehicle = VehicleFactory()
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)
        booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle, start=start,
                       end=start + dt.timedelta(minutes=30))
    source = _url(connection.settings_dict["NAME"])
    target_name = f"venster_restore_{uuid.uuid4().hex[:8]}"
    script = settings.BASE_DIR / "scripts" / "backup_restore.sh"
    dump = tmp_path / "venster.dump"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target_name}"')
    try:
        subprocess.run([script, "backup", source, dump], check=True, capture_output=True)
        subprocess.run([script, "restore", dump, _url(target_name)], check=True,
                       capture_output=True)
        original, restored = _bookings(source), _bookings(_url(target_name))
        assert len(original) == 3
        assert restored == original
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
