from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Job-shadowing placements")

    def ready(self):
        from courses import requirements

        from .requirements import PlacementDays

        requirements.register(PlacementDays())
        from . import registrations  # noqa: F401
