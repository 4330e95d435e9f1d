"""Who may do what with certificates, as named predicates (the convention:
people.permissions)."""

from people.permissions import can_view_school_staff

ISSUE = "certificates.add_certificate"


def can_issue_certificates(user) -> bool:
    """The office's pages: issue one, issue in bulk, list and search."""
    return user.has_perm(ISSUE)


def can_revoke_certificates(user) -> bool:
    return user.has_perm("certificates.change_certificate")


def can_view_all_certificates(user) -> bool:
    """Sees and downloads every certificate, whoever holds it."""
    return user.has_perm("certificates.view_certificate")


def can_view_school_certificates(user) -> bool:
    """The certificates of a school's staff: principals (their schools) and
    the office (any school)."""
    return can_view_school_staff(user)


def can_preview_templates(user) -> bool:
    """A certificate template's sample PDF, in the Wagtail admin."""
    return user.has_perm("certificates.view_certificatetemplate")
