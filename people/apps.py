from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and schools")

    def ready(self):
        from . import audit_receivers, registrations, signals  # noqa: F401


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our name, role and school fields."""

    user_viewset = "people.admin_views.LmsUserViewSet"
