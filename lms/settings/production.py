"""Production: everything secret or site-specific must come from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (at least 50 random characters)."
    )

# nginx sends private files from its internal location (deploy/nginx); the
# views only decide who may have them.
PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "/_private/")
if PRIVATE_FILES_ACCEL_PREFIX:
    # Wagtail's document view hands files to nginx the same way.
    SENDFILE_BACKEND = "core.serving"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Trusted reverse proxies in front of the app (X-Forwarded-For), e.g. 1 for nginx;
# the public verification page's rate limit counts per client address.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "1"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview shows the page in a same-origin iframe, so SAMEORIGIN
# rather than DENY (security.W019). HSTS preloading is a commitment the site's
# owner makes by submitting the domain; it stays opt-in (security.W021).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
# allauth's rate limits count per client address: behind the proxy that is the
# X-Forwarded-For entry it wrote, not the proxy's own address (which would make
# every user share one limit).
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
