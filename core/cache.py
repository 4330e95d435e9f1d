"""A Redis cache that outlives Redis.

`ResilientRedisCache` is Django's own Redis backend with one change: when
Redis cannot be reached (connection refused, reset or timed out), the call is
answered by a cache in this process's memory instead of raising, and Redis is
left alone for `RETRY_SECONDS` before it is tried again, so an outage costs one
failed connection per process every few seconds, not one per call.

Why not simply ignore the errors (django-redis's IGNORE_EXCEPTIONS)? Ignoring
makes every read a miss and every write a no-op. Pages would still render, but
allauth's sign-in rate limits would count nothing (a password could be guessed
at full speed during an outage), a used two-factor code could be replayed, and
allauth's cache lock around sign-in would never be taken. Answering from memory
keeps each of those working within one server process:

- Rate limits (sign-in, password reset, certificate verification) keep counting
  per process. With N gunicorn workers a client gets at most N times its budget
  while Redis is down; never unlimited.
- A used two-factor code stays used in the process that saw it.
- Cached pages and Wagtail's site roots are computed again and kept locally.

What was written to memory is not copied to Redis when it returns: counts then
continue from what Redis held. Both failures are logged (once per outage and
process) so the operator sees them.

Settings (CACHES["default"]):

    "BACKEND": "core.cache.ResilientRedisCache",
    "LOCATION": "redis://127.0.0.1:6379/1",
    "OPTIONS": {"RETRY_SECONDS": 5, "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5},

Other OPTIONS go to redis-py's connection pool as with Django's backend.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError, TimeoutError

    # redis-py's ConnectionError covers refused, reset and "loading" servers;
    # a socket error outside redis-py's wrapping is an OSError.
    return (ConnectionError, TimeoutError, OSError)


def _resilient(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() >= self._outage.skip_until:
            try:
                result = redis_method(self, *args, **kwargs)
            except self._unreachable as exc:
                self._redis_failed(exc)
            else:
                if self._outage.down:
                    self._redis_back()
                return result
        return getattr(self._memory, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class _Outage:
    """Whether Redis at one location is being left alone, shared by every
    thread of the process (Django makes a cache instance per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.skip_until = 0.0
        self.down = False


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool.
    Django makes a new one for every cache call, and redis-py 5+ builds its
    table of about 200 response callbacks in each: a page's handful of cache
    reads spent more time there than waiting for Redis. redis-py clients are
    safe to share (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache answering from process memory while Redis is down."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        # One memory cache and one outage state per location and process,
        # whichever thread asks; the memory keys entries the same way (prefix,
        # version, key function), so either answers for the same key.
        memory_params = {k: v for k, v in params.items() if k != "OPTIONS"}
        self._memory = LocMemCache(f"resilient:{location}", memory_params)
        self._outage = _outage_of(location)
        self._unreachable = _unreachable_errors()

    def _redis_failed(self, exc) -> None:
        outage = self._outage
        with outage.lock:
            outage.skip_until = time.monotonic() + self.retry_seconds
            if not outage.down:
                outage.down = True
                logger.error(
                    "Cache server unreachable (%s); answering from this "
                    "process's memory and retrying every %g s.",
                    exc,
                    self.retry_seconds,
                )

    def _redis_back(self) -> None:
        outage = self._outage
        with outage.lock:
            if outage.down:
                outage.down = False
                logger.warning("Cache server reachable again.")

    @property
    def redis_down(self) -> bool:
        """Whether the last call found Redis unreachable."""
        return self._outage.down

    add = _resilient("add")
    get = _resilient("get")
    set = _resilient("set")
    touch = _resilient("touch")
    delete = _resilient("delete")
    get_many = _resilient("get_many")
    has_key = _resilient("has_key")
    incr = _resilient("incr")
    set_many = _resilient("set_many")
    delete_many = _resilient("delete_many")
    clear = _resilient("clear")
