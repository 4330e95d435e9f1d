"""What certificates contributes to people's registries (people.registries):
its navigation links, its audit actions and the permissions the office holds
on certificates. Imported by CertificatesConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.permissions import is_learner
from people.registries import audit_actions, navigation, role_grants

from . import permissions


class AuditAction(models.TextChoices):
    # Stored in people's AuditEvent.action: never change a value.
    CERTIFICATE_ISSUE = "certificate_issue", _("certificate issued")
    CERTIFICATE_BULK_ISSUE = "certificate_bulk_issue", _("certificates issued in bulk")
    CERTIFICATE_REVOKE = "certificate_revoke", _("certificate revoked")


navigation.add(
    key="my_certificates",
    label=_("My certificates"),
    url="certificates:mine",
    visible=is_learner,
    order=40,
)
navigation.add(
    key="office_certificates",
    label=_("Certificates"),
    url="certificates:office",
    visible=permissions.can_issue_certificates,
    order=140,
)

audit_actions.register(AuditAction.choices)

role_grants.grant(
    app="certificates",
    role=Role.OFFICE,
    permissions=[
        permissions.ISSUE,
        "certificates.change_certificate",
        "certificates.view_certificate",
        "certificates.add_certificatetemplate",
        "certificates.change_certificatetemplate",
        "certificates.view_certificatetemplate",
        "certificates.view_auditentry",
    ],
)
