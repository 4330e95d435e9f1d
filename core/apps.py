from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Machinery several apps share (private files first). Imports no feature app."""

    name = "core"
    verbose_name = "Core"
