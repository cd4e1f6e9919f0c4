"""Which statements wrote rows during a request: a check at the database connection."""

from __future__ import annotations

import contextlib
import re

from django.db import connection

WRITES = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
SAVEPOINTS = re.compile(r'\s*(SAVEPOINT|ROLLBACK TO SAVEPOINT|RELEASE SAVEPOINT)\s+"?(\w+)"?',
                        re.IGNORECASE)
# Rows that change with every signed-in request, whatever it asks.
UNWATCHED = {"django_session"}


@contextlib.contextmanager
def rows_written():
    """Yields a list that fills with every INSERT, UPDATE or DELETE that changed a row and
    was not rolled back.

    No snapshot of the tables is needed, and an UPDATE of another column of an existing
    row counts as much as a new row. The request runs inside the test's transaction, so
    its atomic blocks are savepoints: what a rolled-back savepoint wrote is forgotten.
    """
    written: list[str] = []
    savepoints: dict[str, int] = {}

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if savepoint := SAVEPOINTS.match(sql):
            command, name = savepoint.group(1).upper(), savepoint.group(2)
            if command == "SAVEPOINT":
                savepoints[name] = len(written)
            elif command.startswith("ROLLBACK"):
                del written[savepoints[name]:]
        elif (write := WRITES.match(sql)) and write.group(1) not in UNWATCHED and (
                context["cursor"].rowcount != 0):
            written.append(sql[:200])
        return result

    with connection.execute_wrapper(record):
        yield written
