"""The walk's world: the Leiden demo with a planned day, loaded for each test."""

import pytest

from .world import load_world


@pytest.fixture
def world(transactional_db):
    return load_world()
