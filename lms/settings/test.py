"""The test suite: fast hashing, in-memory email and cache. DATABASE_URL and
CELERY_BROKER_URL from the environment point it at real servers in CI."""

import tempfile
from pathlib import Path

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
