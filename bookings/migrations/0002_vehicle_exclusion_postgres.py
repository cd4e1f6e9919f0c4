"""On PostgreSQL the database itself refuses one vehicle in two places at once.

SQLite has no exclusion constraints; there the booking service's check (under
the bay lock) is the only guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_vehicle_not_in_two_places
EXCLUDE USING gist (vehicle_id WITH =, tstzrange(start, "end") WITH &&)
WHERE (vehicle_id IS NOT NULL AND status IN ('confirmed', 'checked_in'));
"""
DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_vehicle_not_in_two_places;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
