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
