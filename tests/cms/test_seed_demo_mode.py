"""Seeding before anything is seeded, and the demo-mode guard. Kept apart from
the modules that share one seeded demo programme (conftest's demo_programme)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.models import HomePage
from people.models import School, User


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_home_page_exists_before_seeding(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert isinstance(response.context["page"].specific, HomePage)


def test_seed_demo_refuses_when_demo_mode_is_off(db, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError):
        _seed()

    assert not User.objects.filter(is_demo=True).exists()
    assert not School.objects.exists()


def test_seed_demo_runs_with_force_when_demo_mode_is_off(db, settings):
    settings.DEMO_MODE = False

    _seed("--force")

    assert User.objects.filter(username="teacher", is_demo=True).exists()
