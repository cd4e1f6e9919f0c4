"""Many callers doing one thing at the same moment, as concurrent requests do.

Every contender is a thread with its own database connection (Django opens one per
thread), held at a barrier until all are ready, so their transactions really
overlap; each closes its connections when done. What each contender's action
returns is counted, or the name of the exception it raised, so that a control run
without the locks shows every way it went wrong.
"""

import threading
from collections import Counter
from collections.abc import Callable, Hashable

from django.db import connection, connections

from bookings import locking


def race(contenders: int, action: Callable[[int], Hashable]) -> Counter:
    """Run action(0) .. action(contenders - 1) at once; count their outcomes."""
    barrier = threading.Barrier(contenders)
    outcomes, lock = Counter(), threading.Lock()

    def contender(number: int) -> None:
        try:
            barrier.wait()
            outcome = action(number)
        except Exception as exc:  # noqa: BLE001 - a race counts every way it can fail
            outcome = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def without_locks(monkeypatch) -> None:
    """Switch off the row locks of bookings.locking, and on SQLite the write lock taken at
    BEGIN (its IMMEDIATE transactions), for a control run that shows the race."""
    monkeypatch.setattr(locking, "LOCKING_ENABLED", False)
    if connection.vendor == "sqlite":
        options = connections.settings["default"]["OPTIONS"]
        monkeypatch.setitem(options, "transaction_mode", "DEFERRED")
        monkeypatch.setitem(options, "timeout", 0.1)
