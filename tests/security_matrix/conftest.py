import pytest

from tests.helpers import built_for_module

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's data, built once for the module and rolled back after it;
    each request runs in a savepoint of its own."""
    yield from built_for_module(django_db_blocker, build_world)
