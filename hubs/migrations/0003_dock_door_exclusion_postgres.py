"""On PostgreSQL the database itself refuses two trucks at one dock door at once.

The dock service's check under the hub lock is the rule; this is the last line
behind it. SQLite has no exclusion constraints; there the service is the only guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE hubs_dockreservation ADD CONSTRAINT dock_door_one_truck_at_a_time
EXCLUDE USING gist (door_id WITH =, tstzrange(start, "end") WITH &&)
WHERE (status = 'confirmed');
"""
DROP = "ALTER TABLE hubs_dockreservation DROP CONSTRAINT IF EXISTS dock_door_one_truck_at_a_time;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hubs", "0002_shared_hubs_collectors_and_planning")]
    operations = [migrations.RunPython(forwards, backwards)]
