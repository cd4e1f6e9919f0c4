"""Which statements wrote rows during a request: a check at the database connection."""

from __future__ import annotations

import contextlib
import re

from django.db import connection

WRITES = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Rows that change with every signed-in request, whatever it asks.
UNWATCHED = {"django_session"}


@contextlib.contextmanager
def rows_written():
    """Yields a list that fills with every INSERT, UPDATE or DELETE that changed a row.

    No snapshot of the tables is needed, and an UPDATE of another column of an
    existing row counts as much as a new row.
    """
    written: list[str] = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITES.match(sql)
        if match and match.group(1) not in UNWATCHED and context["cursor"].rowcount != 0:
            written.append(sql[:200])
        return result

    with connection.execute_wrapper(record):
        yield written
