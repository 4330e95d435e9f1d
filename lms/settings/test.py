"""The test suite: fast hashing, in-memory email and cache. DATABASE_URL and
CELERY_BROKER_URL from the environment point it at real servers in CI."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
DEMO_MODE = True
SECRET_KEY = "test-only-not-secret-0c4f1d2e3b5a69788a9b0c1d2e3f4a5b6c7d8e9f"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Uploads made by tests (H5P packages, seeded demo files) never land in media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lms-test-media-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lms-test-private-"))
# Tasks run in-process in tests, even where CI provides a broker; the tests that
# need a real worker (marked `redis`) switch this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Rate limits are tested explicitly; elsewhere they would make tests order-dependent.
ACCOUNT_RATE_LIMITS = False


def _redis_database_for_worker(url: str, worker: int) -> str:
    """The Redis URL with database (its number - worker) mod 16: each pytest-xdist
    worker gets a database of its own on the same server, counting down from the
    one given (CI's 15, 14, ...) and so away from the default database 0."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    database = (int(path) if path.isdigit() else 0) - worker
    return urlunsplit(parts._replace(path=f"/{database % 16}"))


# Under pytest-xdist each worker process (gw0, gw1, ...) sends tasks to a Redis
# database of its own, so that one worker's purge or Celery worker never takes
# another's messages. pytest-django gives each its own test database likewise.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and CELERY_BROKER_URL.startswith("redis://"):  # noqa: F405
    CELERY_BROKER_URL = _redis_database_for_worker(  # noqa: F405
        CELERY_BROKER_URL,  # noqa: F405
        int(_XDIST_WORKER[2:]),
    )
