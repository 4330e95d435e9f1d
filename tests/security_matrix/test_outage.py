"""Redis stopped mid-run: cache and broker on one Redis of the test's own (the
.env.example layout), killed half-way through walking every URL as every role,
then started again. Nothing answers 5xx, every role gets what the matrix says,
sign-in keeps its rate limit, and the cache and broker are used again once
Redis is back."""

import time
from dataclasses import replace

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from courses.models import H5PPackage
from lms.celery import app as celery_app
from lms.settings.base import ACCOUNT_RATE_LIMITS
from reports.models import ExportJob
from tests.factories import PASSWORD
from tests.helpers import RedisServer, celery_broker

from .expectations import EXPECTED, PAGES, PROJECT, THIRD_PARTY
from .harness import check, route_kwargs
from .urls import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.redis_server]

PAGE_ROUTE = "wagtail_serve"
TOO_MANY_LOGINS = "登录失败次数过多，请稍后重试。"


def _resilient_cache(url):
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"RETRY_SECONDS": 0.5},
        }
    }


def _walk(world, names, *, posts=False):
    """GET every URL in `names` (and the site's pages when given "pages") as
    each role; POST too where `posts`. Returns what differed from the table."""
    problems = []
    existing = {r.name for r in all_routes() if r.name}
    for name in names:
        if name == "pages":
            for attr, expect in sorted(PAGES.items()):
                page = getattr(world, attr)
                found, _ = check(world, PAGE_ROUTE, [], _only(expect, posts), page.url)
                problems += found
            continue
        if name not in existing:
            continue
        expect = _only(EXPECTED[name], posts)
        found, _ = check(world, name, route_kwargs(name), expect)
        problems += found
    return problems


def _only(expect, posts):
    return expect if posts else replace(expect, post=None)


def _sign_in(username, password):
    return Client().post(
        reverse("account_login"), {"login": username, "password": password}
    )


def test_redis_stopped_mid_run_answers_every_role_without_a_server_error(
    world, server_errors, django_capture_on_commit_callbacks
):
    # The project's own views, allauth's and Wagtail's main ones and the
    # site's pages (the snippet editors are the same few views many times).
    names = sorted({**PROJECT, **THIRD_PARTY}) + ["pages"]
    half = len(names) // 2
    redis = RedisServer()  # its own, on a free port; never the shared one
    redis.start()
    try:
        with (
            override_settings(
                CACHES=_resilient_cache(redis.db(0)),
                ACCOUNT_RATE_LIMITS=ACCOUNT_RATE_LIMITS,
            ),
            celery_broker(redis.db(1)),
        ):
            # Redis up: the first half of the walk fills the cache in Redis.
            problems = _walk(world, names[:half])
            assert not cache.redis_down

            redis.stop()
            # Redis down: the rest of the walk, POSTs included (exports,
            # certificates, enrolments queue work or write through the cache).
            problems += _walk(world, names[half:], posts=True)
            problems += _walk(world, names[:half])
            assert cache.redis_down, "the walk should have met the stopped Redis"

            # Sign-in works, and its per-account limit still holds (counted
            # in this process's memory while Redis is down).
            owner = world.people["teacher"]
            owner.set_password(PASSWORD)
            owner.save(update_fields=["password"])
            cache.clear()
            assert _sign_in(owner.username, PASSWORD).status_code == 302
            for _ in range(5):
                refused = _sign_in(owner.username, "wrong")
                assert TOO_MANY_LOGINS not in refused.content.decode()
            for password in ("wrong", PASSWORD):
                response = _sign_in(owner.username, password)
                assert response.status_code == 200
                assert TOO_MANY_LOGINS in response.content.decode()

            # Mail that cannot be queued goes out from the web process.
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                response = Client().post(
                    reverse("account_reset_password"), {"email": owner.email}
                )
            assert response.status_code == 302
            assert [m.to for m in mail.outbox] == [[owner.email]]

            # Work with a row that says what is left waits for the sweep.
            office = Client()
            office.force_login(world.people["office"])
            url = reverse("reports:export", kwargs={"table": "schools"})
            with (
                override_settings(REPORTS_SYNC_EXPORT_MAX_ROWS=0),  # a job
                django_capture_on_commit_callbacks(execute=True),
            ):
                response = office.post(f"{url}?track={world.track.pk}", {"fmt": "csv"})
            assert response.status_code == 302
            job = ExportJob.objects.latest("pk")
            assert job.status == ExportJob.Status.PENDING

            # Redis back: the cache and the broker are used again.
            redis.start()
            time.sleep(0.6)  # RETRY_SECONDS
            problems += _walk(world, names[:10])
            assert not cache.redis_down
            cache.set("lms:outage-test", 1)
            assert cache.get("lms:outage-test") == 1
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1)
    finally:
        redis.stop()
    assert not problems, "\n".join(problems)
    assert not server_errors
    assert H5PPackage.objects.exists()  # the world is still there
