import os
import shutil

import pytest
from django.core.handlers.base import BaseHandler
from django.core.signals import got_request_exception
from django.db import connection

from .helpers import CHROMIUM, NGINX, built_for_module

IN_CI = os.environ.get("CI", "").lower() == "true"

pytest_plugins = ["tests.fixtures.people", "tests.fixtures.pages"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres`, `redis`, `browser`, `nginx` or `redis_server`
    need those servers or programs (`redis_server`: the redis-server program,
    to run a Redis of the test's own). Locally they are skipped when missing;
    in CI a missing one fails them."""
    needs = {
        "postgres": "a PostgreSQL DATABASE_URL",
        "redis": "a Redis CELERY_BROKER_URL",
        "browser": CHROMIUM,
        "nginx": f"{NGINX} (apt-get install nginx)",
        "redis_server": "redis-server (apt-get install redis-server)",
    }
    missing = {
        "postgres": not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        "redis": not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        "browser": not os.path.exists(CHROMIUM),
        "nginx": not os.path.exists(NGINX),
        "redis_server": not shutil.which("redis-server"),
    }
    for item in items:
        for marker, absent in missing.items():
            if absent and item.get_closest_marker(marker):
                reason = f"needs {needs[marker]}"
                if IN_CI:
                    item.add_marker(
                        pytest.mark.usefixtures("_fail_missing_service_in_ci")
                    )
                else:
                    item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _fail_missing_service_in_ci():
    pytest.fail(
        "CI must provide PostgreSQL, Redis, Chromium and nginx for marked tests"
    )


@pytest.fixture(scope="module")
def demo_programme(django_db_setup, django_db_blocker):
    """The demo programme (`seed_demo`), seeded once for the test module and
    rolled back after it. Tests ask for it through a function-scoped fixture
    that also asks for `db`, so that each runs in a savepoint of its own."""

    def seed():
        from io import StringIO

        from django.core.management import call_command

        call_command("seed_demo", stdout=StringIO())

    yield from built_for_module(django_db_blocker, seed)


@pytest.fixture
def db_vendor():
    return connection.vendor


@pytest.fixture
def real_broker():
    """Send tasks to the Redis broker for this test, starting from an empty
    queue (messages left by an interrupted run would be delivered too)."""
    from lms.celery import app as celery_app

    assert celery_app.conf.broker_url.startswith("redis://")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = True


# No request may end in a server error ----------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "server_error_expected: the test provokes a 500 on purpose (the error page "
        "itself); the no-server-error guard lets it pass",
    )


@pytest.fixture
def server_errors(monkeypatch):
    """Every request during the test that raised an unhandled exception
    (Django's got_request_exception) or answered with a status of 500 or more,
    through the test client or a live server thread alike."""
    seen = []

    def on_exception(sender, request=None, **kwargs):
        seen.append(f"exception in {getattr(request, 'path', '?')}")

    original = BaseHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        if response.status_code >= 500:
            seen.append(f"{response.status_code} from {request.method} {request.path}")
        return response

    got_request_exception.connect(on_exception, weak=False, dispatch_uid="no-500")
    monkeypatch.setattr(BaseHandler, "get_response", get_response)
    yield seen
    got_request_exception.disconnect(dispatch_uid="no-500")


@pytest.fixture(autouse=True)
def _no_server_errors(request, server_errors):
    """Fail any test during which a request produced a server error, unless it
    is marked `server_error_expected`."""
    yield
    if server_errors and not request.node.get_closest_marker("server_error_expected"):
        pytest.fail("A request produced a server error: " + "; ".join(server_errors))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: what the app keeps there (sites,
    page paths, permissions, the catalog link) describes the database, which
    each test rolls back."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield
