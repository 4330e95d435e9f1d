"""core.ratelimit: django-ratelimit per client address, in the default cache,
still counting while Redis is down (ResilientRedisCache's memory)."""

import itertools

import pytest
from django.core.cache import caches
from django.http import HttpResponse

from core.checks import check_rate_limit_cache
from core.ratelimit import over_limit, rate_limited

_groups = itertools.count()


def _view(request):
    return HttpResponse("ok")


def test_rate_limited_view_answers_429_with_retry_after_past_the_limit(rf):
    view = rate_limited(
        group=f"test:{next(_groups)}",
        rate="2/m",
        template="certificates/rate_limited.html",
    )(_view)
    statuses = [
        view(rf.get("/", REMOTE_ADDR="192.0.2.1")).status_code for _ in range(2)
    ]
    refused = view(rf.get("/", REMOTE_ADDR="192.0.2.1"))
    other = view(rf.get("/", REMOTE_ADDR="192.0.2.2"))

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.status_code == 200


def test_rate_is_read_at_each_request(rf, settings):
    settings.TEST_LIMIT = 1
    view = rate_limited(
        group=f"test:{next(_groups)}",
        rate=lambda group, request: f"{settings.TEST_LIMIT}/m",
        template="certificates/rate_limited.html",
    )(_view)
    assert view(rf.get("/")).status_code == 200
    assert view(rf.get("/")).status_code == 429

    settings.TEST_LIMIT = 5
    assert view(rf.get("/")).status_code == 200


def test_limits_keep_counting_while_redis_is_down(rf, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/9",  # nothing listens on port 1
            "OPTIONS": {"RETRY_SECONDS": 60},
        }
    }
    group = f"test:{next(_groups)}"
    try:
        seen = [over_limit(rf.get("/"), group=group, rate="3/m") for _ in range(5)]
        assert caches["default"].redis_down
    finally:
        caches["default"].close()

    assert seen == [False, False, False, True, True]


@pytest.mark.parametrize(
    ("backend", "errors"),
    [
        ("core.cache.ResilientRedisCache", 0),
        ("django.core.cache.backends.locmem.LocMemCache", 0),
        ("django.core.cache.backends.dummy.DummyCache", 1),
        ("django.core.cache.backends.db.DatabaseCache", 1),
    ],
)
def test_check_refuses_caches_that_cannot_count(settings, backend, errors):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}

    found = check_rate_limit_cache()

    assert len(found) == errors
    assert all(error.id == "core.E001" for error in found)
