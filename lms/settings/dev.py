"""Local development and the one-command demo: DEBUG on, console email."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
DEMO_MODE = env_bool("LMS_DEMO", True)
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-not-secret-6b1f0c2e8a7d4b3f9e5a1c0d2b4f6e8a"
)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
