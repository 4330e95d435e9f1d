"""What reports contributes to people's registries (people.registries): its
navigation links, the principals' start page and the export audit action.
Imported by ReportsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.registries import audit_actions, navigation

from . import permissions


class AuditAction(models.TextChoices):
    # Stored in people's AuditEvent.action: never change a value. Every app's
    # downloads of people's data (placements, exports) record it.
    EXPORT = "export", _("data exported")


navigation.add(
    key="my_school",
    label=_("My school"),
    url="reports:school",
    visible=permissions.reads_own_school_only,
    order=80,
)
navigation.add(
    key="office_reports",
    label=_("Reports"),
    url="reports:office",
    visible=permissions.can_read_all_reports,
    order=100,
)
navigation.set_start_page(Role.PRINCIPAL, "reports:school")

audit_actions.register(AuditAction.choices)
