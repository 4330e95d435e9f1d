"""System checks for core's machinery, kept free of heavy imports."""

from django.conf import settings
from django.core.checks import Error

# Backends whose counts cannot hold a rate limit: nothing is kept (dummy), or
# incr is a read and a write that two requests can interleave (file, db).
RATE_LIMIT_BROKEN_CACHES = {
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing",
    "django.core.cache.backends.filebased.FileBasedCache": "cannot count atomically",
    "django.core.cache.backends.db.DatabaseCache": "cannot count atomically",
}


def check_rate_limit_cache(app_configs=None, **kwargs) -> list[Error]:
    """core.E001: the cache django-ratelimit counts in must be able to count.

    This stands in for django-ratelimit's own check, which the project does not
    run (the app is not in INSTALLED_APPS; see lms/settings/base.py): that one
    knows only memcached and django-redis by name, so it warns about
    core.cache.ResilientRedisCache (Django's own RedisCache, atomic INCR, with
    a per-process memory fallback while Redis is down) and refuses LocMemCache,
    which is right for the one-process demo and the tests."""
    name = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(name, {}).get("BACKEND")
    if backend is None:
        reason = "is not configured"
    else:
        reason = RATE_LIMIT_BROKEN_CACHES.get(backend)
    if reason is None:
        return []
    return [
        Error(
            f"The cache {name!r} used for rate limits {reason}"
            + (f" ({backend})." if backend else "."),
            hint="Use core.cache.ResilientRedisCache (CACHE_URL) or LocMemCache.",
            obj="settings.CACHES",
            id="core.E001",
        )
    ]
