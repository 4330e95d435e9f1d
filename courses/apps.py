from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and tracks")

    def ready(self):
        from . import requirements
        from .requirement_kinds import ElectiveHours, RequiredCourses
        from .services.completion import tracks_recompute_on_progress

        requirements.register(RequiredCourses())
        requirements.register(ElectiveHours())
        requirements.progress_changed.connect(
            tracks_recompute_on_progress, dispatch_uid="courses.tracks_recompute"
        )
