"""Writes for certificates: eligibility decisions, serials, issuing (single and
in bulk), rendering and revocation. Every issue, override and revocation is
written to the audit log."""

import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue_each_after_commit
from courses.models import CourseCompletion, CoursePage, Track, TrackCompletion
from courses.models.learning import CompletionStatus
from courses.requirements import missing_reasons, progress_rows_of
from people import audit
from people.models import User
from people.permissions import ensure

from . import permissions
from .models import (
    AuditEntry,
    Certificate,
    CertificateTemplate,
    IssuanceBatch,
    SerialCounter,
)

DONE = CompletionStatus.COMPLETED
logger = logging.getLogger(__name__)


@dataclass
class Eligibility:
    eligible: bool
    missing: list[str] = field(default_factory=list)


def eligibility_from_rows(
    *, track=None, course=None, completion=None, requirements=None
) -> Eligibility:
    """What a completion row (or its absence) says about a certificate. For a
    track, `requirements` are the person's requirement rows by kind code: the
    kinds registered in courses.requirements name what is missing."""
    if completion is not None and completion.status == DONE:
        return Eligibility(True)
    if completion is None:
        return Eligibility(False, [_("Not enrolled, or nothing started yet.")])
    if course is not None:
        return Eligibility(
            False,
            [
                _("Lessons completed: %(done)d of %(total)d.")
                % {
                    "done": completion.lessons_completed,
                    "total": completion.lessons_total,
                }
            ],
        )
    return Eligibility(False, missing_reasons(requirements or {}))


def eligibility_for(
    *, user: User, track: Track | None = None, course=None
) -> Eligibility:
    """Whether the user completed the track or course, and if not, what is missing."""
    if track is not None:
        row = TrackCompletion.objects.filter(user=user, track=track).first()
        requirements = None
        if row is not None and row.status != DONE:
            requirements = progress_rows_of(track=track, users=[user]).get(user.pk)
        return eligibility_from_rows(
            track=track, completion=row, requirements=requirements
        )
    row = CourseCompletion.objects.filter(user=user, course=course).first()
    return eligibility_from_rows(course=course, completion=row)


def lock_serial_counter(prefix: str, year: int) -> SerialCounter:
    """The serial counter of `prefix` and `year`, created if need be, locked
    until the caller's transaction ends: whoever holds it is the only one
    handing out those serials."""
    try:
        with transaction.atomic():
            SerialCounter.objects.get_or_create(prefix=prefix, year=year)
    except IntegrityError:
        pass
    return SerialCounter.objects.select_for_update().get(prefix=prefix, year=year)


def reserve_serials(prefix: str, year: int, count: int) -> list[str]:
    """`count` fresh serials PREFIX-YEAR-000123, never handed out twice."""
    with transaction.atomic():
        counter = lock_serial_counter(prefix, year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return [f"{prefix}-{year}-{n:06d}" for n in range(first, first + count)]


def _valid_certificate(holder, track, course) -> Certificate | None:
    return (
        Certificate.objects.filter(holder=holder, track=track, course=course)
        .exclude(status=Certificate.Status.REVOKED)
        .first()
    )


def holder_snapshot(holder: User, track, course, completion=None) -> dict:
    """The holder's name and school, what is certified and the hours, as they
    are at issue. Pass the completion row when it is at hand."""
    profile = getattr(holder, "profile", None)
    if track is not None:
        row = (
            completion
            or TrackCompletion.objects.filter(user=holder, track=track).first()
        )
        hours = row.hours_earned if row else Decimal(0)
        subject = track.name
    else:
        hours, subject = course.credit_hours, course.title
    return {
        "holder_name": holder.get_full_name() or holder.username,
        "holder_school": profile.school.name if profile and profile.school else "",
        "subject": subject,
        "hours": hours,
    }


@transaction.atomic
def certificate_issue(
    *,
    holder: User,
    template: CertificateTemplate,
    issued_by: User,
    track: Track | None = None,
    course: CoursePage | None = None,
    override_reason: str = "",
    batch: IssuanceBatch | None = None,
) -> Certificate:
    """Issue a certificate for a completed track or course; its PDF is rendered
    by a worker after commit (it stays pending until then).

    Idempotent: a holder's existing valid certificate is returned unchanged.
    Raises PermissionDenied unless `issued_by` may issue certificates;
    ValidationError naming what is missing when the holder has not
    completed, unless the office gives a written justification (recorded).
    """
    ensure(permissions.can_issue_certificates(issued_by))
    if (track is None) == (course is None):
        raise ValidationError(_("Choose a track or a course."))
    existing = _valid_certificate(holder, track, course)
    if existing is not None:
        return existing
    eligibility = eligibility_for(user=holder, track=track, course=course)
    override_reason = override_reason.strip()
    if not eligibility.eligible and not override_reason:
        raise ValidationError(
            _("Not eligible: %(missing)s") % {"missing": " ".join(eligibility.missing)}
            + " "
            + _("To issue anyway, write a justification.")
        )
    today = timezone.localdate()
    [serial] = reserve_serials(template.serial_prefix, today.year, 1)
    certificate = Certificate(
        serial=serial, holder=holder, track=track, course=course,
        issued_on=today, template=template, issued_by=issued_by, batch=batch,
        override_reason="" if eligibility.eligible else override_reason,
        **holder_snapshot(holder, track, course),
    )  # fmt: skip
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # A concurrent request issued it first: that one stands.
        return _valid_certificate(holder, track, course)
    _audit(
        AuditEntry.Action.ISSUE if eligibility.eligible else AuditEntry.Action.OVERRIDE,
        issued_by,
        certificate,
        {"missing": eligibility.missing, "justification": certificate.override_reason},
    )
    render_after_commit([certificate.pk])
    return certificate


def _audit(action, actor, certificate=None, details=None) -> None:
    entry = AuditEntry.objects.create(
        action=action, actor=actor, certificate=certificate, details=details or {}
    )
    # The programme-wide security log names the event; the reasons stay here.
    revoke = action == AuditEntry.Action.REVOKE
    audit.record(
        action="certificate_revoke" if revoke else "certificate_issue",
        actor=actor,
        target=f"{certificate.serial} · {certificate.holder_name}"
        if certificate
        else "",
        details={"certificate_audit_entry": entry.pk, "kind": action},
    )


def render_after_commit(certificate_ids: list[int]) -> None:
    """Queue the PDFs of these certificates once the transaction commits (the
    sweep renders them later when the broker is down)."""
    from .tasks import render_certificate

    enqueue_each_after_commit(render_certificate, certificate_ids, what="certificates")


def certificate_render(*, certificate_id: int) -> Certificate | None:
    """Render and store a pending certificate's PDF, then mark it issued.
    Idempotent: issued and revoked certificates are left alone. The PDF is
    written under a new name before the row points at it, so a worker killed
    half-way leaves no half-written file behind the certificate."""
    from .pdf import render_certificate_pdf

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.status != Certificate.Status.PENDING:
        return certificate
    pdf = render_certificate_pdf(certificate)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != Certificate.Status.PENDING:
            return certificate
        name = f"{certificate.serial}.pdf"
        # A worker that died before committing may have left this file behind;
        # nothing points at it while the row is pending, so replace it rather
        # than store a second copy under another name.
        certificate.pdf.storage.delete(
            certificate.pdf.field.generate_filename(certificate, name)
        )
        certificate.pdf.save(name, ContentFile(pdf), save=False)
        certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.status = Certificate.Status.ISSUED
        certificate.save(update_fields=["pdf", "pdf_sha256", "status", "updated_at"])
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, revoked_by: User, reason: str):
    """Revoke a certificate with a reason; verification then says revoked.
    Raises PermissionDenied unless `revoked_by` may revoke certificates;
    ValidationError without a reason or when already revoked."""
    ensure(permissions.can_revoke_certificates(revoked_by))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(
        update_fields=["status", "revoked_at", "revocation_reason", "updated_at"]
    )
    _audit(AuditEntry.Action.REVOKE, revoked_by, certificate, {"reason": reason})
    return certificate


def resume_pending(*, older_than_seconds: int = 120) -> int:
    """Queue again the certificates still pending (the broker was down, or a
    worker died). Called by the jobs sweep (certificates.bulk.BATCHES);
    returns how many."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Certificate.objects.filter(
            status=Certificate.Status.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:5000]
    )
    if ids:
        with transaction.atomic():
            render_after_commit(ids)
    return len(ids)
