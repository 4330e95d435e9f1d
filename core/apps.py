from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """Machinery several apps share (private files first). Imports no feature app."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .converters import DatabaseIdConverter

        register_converter(DatabaseIdConverter, "id")
