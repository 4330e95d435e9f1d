"""What courses contributes to people's registries (people.registries): its
navigation links and the learners' start page, its audit actions, and the
permissions each role holds on courses. Imported by CoursesConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.permissions import is_learner
from people.registries import audit_actions, navigation, role_grants

from . import permissions


class AuditAction(models.TextChoices):
    # Stored in people's AuditEvent.action: never change a value.
    H5P_LIBRARY_INSTALL = "h5p_library_install", _("H5P library installed")
    H5P_LIBRARY_UPGRADE = "h5p_library_upgrade", _("H5P library upgraded")


def _catalog_url():
    from .selectors import catalog_url

    return catalog_url()


navigation.add(
    key="catalog",
    label=_("Courses"),
    url=_catalog_url,
    visible=lambda u: True,
    order=20,
)
navigation.add(
    key="my_learning",
    label=_("My learning"),
    url="courses:my_learning",
    visible=is_learner,
    order=30,
)
navigation.add(
    key="office_tracks",
    label=_("Tracks"),
    url="courses:office_tracks",
    visible=permissions.can_view_tracks,
    order=120,
)
navigation.set_start_page(Role.TEACHER, "courses:my_learning")

audit_actions.register(AuditAction.choices)

H5P_AUTHORING = [
    "courses.add_h5ppackage",
    "courses.change_h5ppackage",
    "courses.view_h5ppackage",
    "courses.delete_h5ppackage",
]
role_grants.grant(
    app="courses",
    role=Role.TRAINER,
    permissions=[
        "courses.add_coursecategory",
        "courses.change_coursecategory",
        "courses.view_coursecategory",
        "courses.view_track",
        "courses.view_programme",
        "courses.change_reflection",
        *H5P_AUTHORING,
    ],
)
role_grants.grant(
    app="courses",
    role=Role.OFFICE,
    permissions=[
        "courses.add_coursecategory",
        "courses.change_coursecategory",
        "courses.view_coursecategory",
        "courses.add_programme",
        "courses.change_programme",
        "courses.view_programme",
        "courses.add_track",
        "courses.change_track",
        "courses.view_track",
        "courses.add_trackenrolment",
        "courses.view_trackenrolment",
        "courses.add_enrolment",
        "courses.change_enrolment",
        "courses.view_enrolment",
        *H5P_AUTHORING,
        permissions.INSTALL_H5P_LIBRARY,
    ],
)
