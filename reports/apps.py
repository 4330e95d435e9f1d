from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core import jobs

        from .services import EXPORTS

        jobs.register(EXPORTS)
        from . import registrations  # noqa: F401
