from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and tracks")

    def ready(self):
        from core import jobs

        from . import requirements
        from .h5p.services import PACKAGES
        from .requirement_kinds import ElectiveHours, RequiredCourses
        from .services.completion import tracks_recompute_on_progress

        jobs.register(PACKAGES)
        requirements.register(RequiredCourses())
        requirements.register(ElectiveHours())
        requirements.progress_changed.connect(
            tracks_recompute_on_progress, dispatch_uid="courses.tracks_recompute"
        )
        from . import registrations  # noqa: F401
