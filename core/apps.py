from django.apps import AppConfig
from django.core import checks
from django.urls import register_converter


class CoreConfig(AppConfig):
    """Machinery several apps share: private files and serving, upload
    checks, spreadsheets, PDFs, HTTP helpers, rate limits, background jobs.
    Imports no feature app."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .checks import check_rate_limit_cache
        from .converters import DatabaseIdConverter
        from .offline import note_sign_out  # noqa: F401 (connects the signal)

        register_converter(DatabaseIdConverter, "id")
        checks.register(check_rate_limit_cache, checks.Tags.caches)
