"""core.cache.ResilientRedisCache: Django's Redis cache answering from process
memory while Redis is unreachable, and using Redis again once it is back."""

import itertools
import threading
import time

import pytest

from core.cache import ResilientRedisCache
from tests.helpers import RedisServer

_databases = itertools.count()


def _unreachable() -> str:
    """Nothing listens on port 1; each test its own database number, for the
    memory and the outage state are kept per location and process."""
    return f"redis://127.0.0.1:1/{next(_databases)}"


def _cache(location, retry=0.2):
    return ResilientRedisCache(location, {"OPTIONS": {"RETRY_SECONDS": retry}})


def test_unreachable_redis_is_answered_from_memory_like_a_cache():
    cache = _cache(_unreachable())
    assert cache.get("missing", "default") == "default"
    assert cache.add("attempts", 1) is True
    assert cache.add("attempts", 5) is False
    assert cache.incr("attempts") == 2
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    cache.delete("a")
    assert not cache.has_key("a")
    assert cache.get_or_set("c", 3) == 3
    assert cache.redis_down


def test_after_a_failure_redis_is_left_alone_until_the_retry_time(monkeypatch):
    cache = _cache(_unreachable(), retry=60)
    cache.get("x")
    calls = []
    monkeypatch.setattr(cache, "_cache", None)  # any use of Redis would fail
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.get",
        lambda *args, **kwargs: calls.append(args),
    )
    assert cache.get("x", "memory") == "memory"
    assert calls == []


def test_every_thread_shares_the_process_memory_and_outage():
    """Django makes a cache instance per thread (a threaded server: one per
    request); a rate limit counted in one must hold in the next."""
    location = _unreachable()
    _cache(location).add("attempts", 0)
    seen = []

    def attempt():
        cache = _cache(location, retry=60)
        seen.append((cache.incr("attempts"), cache.redis_down))

    for _ in range(3):
        thread = threading.Thread(target=attempt)
        thread.start()
        thread.join()
    assert seen == [(1, True), (2, True), (3, True)]


@pytest.mark.redis_server
def test_redis_stopped_and_started_again():
    with RedisServer() as redis:
        cache = _cache(redis.url)
        cache.set("kept", "in redis")
        assert not cache.redis_down

        redis.stop()
        assert cache.get("kept") is None  # memory knows nothing of it
        cache.set("during", "the outage")
        assert cache.get("during") == "the outage"
        assert cache.redis_down

        redis.start()  # an empty Redis, as after a crash without persistence
        time.sleep(0.3)
        assert cache.get("during") is None  # Redis answers again
        cache.set("after", 1)
        assert cache.incr("after") == 2
        assert not cache.redis_down
