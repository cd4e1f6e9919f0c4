import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from tests.conftest import NOW
from tests.security.cast import make_cast


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """The cast, built once per module inside a transaction that is rolled back at its end.

    Each test still runs in its own savepoint (the `db` fixture), so what one test
    changes, the next does not see.
    """
    with (django_db_blocker.unblock(), time_machine.travel(NOW, tick=False),
          transaction.atomic()):
        built = make_cast()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()
