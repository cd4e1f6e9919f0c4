"""The one capacity pattern of Venster, written down once.

To consume capacity (kerb time at a bay, a dock slot at a hub):

1. open a transaction;
2. lock the rows of every resource you consume, in primary-key order so that
   two bookers of the same two bays can never wait on each other;
3. recompute what is free from the booking rows themselves (never from a
   cached counter);
4. insert or update, and commit.

On PostgreSQL the lock is SELECT ... FOR UPDATE on the resource row: a second
booker of the same bay waits until the first commits, then sees its booking.
On SQLite, FOR UPDATE does not exist; the settings open every transaction in
IMMEDIATE mode, which takes the database's single write lock at BEGIN, so
bookers are serialised the same way.

`LOCKING_ENABLED` exists only so that a test can show the race this prevents.
"""

from django.db import connection

LOCKING_ENABLED = True


def lock_rows(queryset, ids):
    """Lock the rows with these ids for the rest of the transaction, in id order."""
    ids = sorted(set(ids))
    if not LOCKING_ENABLED or connection.vendor == "sqlite":
        return list(queryset.filter(pk__in=ids).order_by("pk"))
    return list(queryset.select_for_update().filter(pk__in=ids).order_by("pk"))


def lock_ids(model, ids) -> list[int]:
    """lock_rows() for a caller that needs only the lock: the ids that exist, locked in id
    order. Plain SQL, because on the booking path building the ORM query cost more CPU
    than running it."""
    ids = sorted(set(ids))
    if not ids:
        return []
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    sql = (f"SELECT {pk} FROM {quote(model._meta.db_table)} "
           f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) ORDER BY {pk}")
    if LOCKING_ENABLED and connection.vendor != "sqlite":
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return [row[0] for row in cursor.fetchall()]
