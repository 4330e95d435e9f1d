"""What people contributes to its own registries (people.registries): the
links every role shares, the start pages of the roles it serves, its audit
actions, and the permissions on people and on the Wagtail admin, images and
documents that roles hold. Imported by PeopleConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import AuditEvent, Role
from .registries import audit_actions, navigation, role_grants

# Order of the main navigation's links; each app places its own among these.
navigation.add(
    key="home", label=_("Home"), url=lambda: "/", visible=lambda u: True, order=10
)
navigation.add(
    key="me",
    label=_("My page"),
    url="people:me",
    visible=permissions.is_signed_in,
    order=70,
)
navigation.add(
    key="office",
    label=_("Programme office"),
    url="people:office",
    visible=permissions.is_programme_office,
    order=90,
)
navigation.add(
    key="content_admin",
    label=_("Content admin"),
    url="wagtailadmin_home",
    visible=permissions.can_enter_content_admin,
    order=150,
)
navigation.add(
    key="system_admin",
    label=_("System admin"),
    url="admin:index",
    visible=permissions.can_enter_system_admin,
    order=160,
)
navigation.set_start_page(Role.TRAINER, "wagtailadmin_home")
navigation.set_start_page(Role.OFFICE, "people:office")
navigation.set_start_page("admin", "people:office")

audit_actions.register(AuditEvent.Action.choices)

# Authoring content in the Wagtail admin: trainers and the office.
CONTENT_ADMIN = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
role_grants.grant(
    app="people", role=Role.PRINCIPAL, permissions=["people.view_school_staff"]
)
role_grants.grant(app="people", role=Role.TRAINER, permissions=CONTENT_ADMIN)
role_grants.grant(
    app="people",
    role=Role.OFFICE,
    permissions=[
        "people.view_all_schools",
        "people.add_user",
        "people.change_user",
        "people.view_user",
        "people.add_school",
        "people.change_school",
        "people.view_school",
        "people.add_pairing",
        "people.change_pairing",
        "people.delete_pairing",
        "people.view_pairing",
        "people.add_cohort",
        "people.change_cohort",
        "people.view_cohort",
        "people.add_profile",
        "people.change_profile",
        "people.view_profile",
        *CONTENT_ADMIN,
    ],
)
