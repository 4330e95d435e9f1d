from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImporterConfig(AppConfig):
    """Office staff import teachers and principals from a sheet: accounts,
    profiles, cohorts and track enrolments (importer.services). It builds on
    people and courses, so it is an app of its own above both."""

    name = "importer"
    verbose_name = _("Teacher import")

    def ready(self):
        from . import registrations  # noqa: F401
