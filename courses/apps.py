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

        self._connect_catalog_url()

    def _connect_catalog_url(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import post_page_move

        from .models import CourseIndexPage
        from .selectors.catalog import forget_catalog_url

        for signal in (post_save, post_delete, post_page_move):
            signal.connect(
                forget_catalog_url,
                sender=CourseIndexPage,
                dispatch_uid=f"courses.catalog_url.{id(signal)}",
            )
