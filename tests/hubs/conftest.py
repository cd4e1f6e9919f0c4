import datetime as dt

import pytest

from tests.conftest import FRIDAY, at  # noqa: F401


@pytest.fixture
def saturday():
    return FRIDAY + dt.timedelta(days=1)
