"""Rate limits outside allauth's own (sign-in, two-factor codes, password
reset stay with allauth): django-ratelimit, counting per client address
(core.http.client_ip) in the default cache.

The counts go through Django's cache API (add, then incr), so while Redis is
down ResilientRedisCache (core.cache) answers from process memory and the
limits keep counting per process instead of failing. django-ratelimit's own
system check does not know that backend; see core.checks.
"""

import functools

from django.shortcuts import render
from django_ratelimit.core import get_usage

from .http import client_ip


def client_key(group, request) -> str:
    """django-ratelimit's key: the client's address (NUM_PROXIES honoured)."""
    return client_ip(request) or "unknown"


def usage(request, *, group: str, rate, key=client_key, count: bool = True):
    """django-ratelimit's usage of `group` for this request, counting it when
    `count`: a dict with should_limit and time_left, or None when limits are
    off (settings.RATELIMIT_ENABLE) or `rate` gives none."""
    return get_usage(request, group=group, key=key, rate=rate, increment=count)


def over_limit(request, *, group: str, rate, key=client_key) -> bool:
    """Count this request in `group`; whether it is past the limit."""
    found = usage(request, group=group, rate=rate, key=key)
    return bool(found and found["should_limit"])


def rate_limited(*, group: str, rate, template: str):
    """A view decorator: past the limit, `template` is rendered with status
    429 and Retry-After (seconds until the window ends, at least 1) instead
    of the view. `rate` is django-ratelimit's rate ("30/m") or a callable
    (group, request) -> rate, read at each request. Views decorated with the
    same group share one count."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            found = usage(request, group=group, rate=rate)
            if found and found["should_limit"]:
                response = render(request, template, status=429)
                response["Retry-After"] = str(max(found["time_left"], 0) + 1)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
