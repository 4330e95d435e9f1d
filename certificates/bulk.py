"""Bulk issuance: preview who is eligible (and why not), then issue to all the
eligible at once; workers render the PDFs and the batch is zipped when done.
A batch is a job (core.jobs); `BATCHES` is what the sweep knows about it."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core import jobs
from core.tasks import enqueue
from courses.models import CourseCompletion, Enrolment, TrackCompletion, TrackEnrolment
from courses.requirements import progress_rows_of
from people import audit
from people.models import User

from .models import AuditEntry, Certificate, IssuanceBatch
from .services import (
    Eligibility,
    eligibility_from_rows,
    holder_snapshot,
    lock_serial_counter,
    render_after_commit,
    reserve_serials,
)
from .tasks import archive_batch, resume_batch


@dataclass
class PreviewRow:
    user: User
    eligibility: Eligibility
    certificate: Certificate | None  # an existing valid certificate
    completion: object = None  # the track or course completion row, if any


def batch_preview(*, track=None, course=None, school=None, cohort=None):
    """Everyone enrolled in the track or course (optionally only a school's
    staff or a cohort's members) with their eligibility and any existing
    valid certificate. A fixed number of queries, whatever the number (a
    track's preview reads the requirement rows in one more)."""
    if track is not None:
        users = User.objects.filter(
            pk__in=TrackEnrolment.objects.filter(track=track).values("user_id")
        )
        rows = TrackCompletion.objects.filter(track=track)
    else:
        users = User.objects.filter(
            pk__in=Enrolment.objects.filter(
                course=course, status=Enrolment.Status.ACTIVE
            ).values("user_id")
        )
        rows = CourseCompletion.objects.filter(course=course)
    if school is not None:
        users = users.filter(profile__school=school)
    if cohort is not None:
        users = users.filter(cohorts=cohort)
    users = list(users.select_related("profile__school").order_by("name", "pk"))
    completions = {row.user_id: row for row in rows.filter(user__in=users)}
    certificates = {
        c.holder_id: c
        for c in Certificate.objects.filter(
            holder__in=users, track=track, course=course
        ).exclude(status=Certificate.Status.REVOKED)
    }
    requirements = (
        progress_rows_of(track=track, users=users) if track is not None else {}
    )
    return [
        PreviewRow(
            user,
            eligibility_from_rows(
                track=track,
                course=course,
                completion=completions.get(user.pk),
                requirements=requirements.get(user.pk),
            ),
            certificates.get(user.pk),
            completions.get(user.pk),
        )
        for user in users
    ]


class NothingToIssue(Exception):
    """Everyone in the selection who is eligible has a certificate already,
    and no earlier batch of the same selection issued them."""


@transaction.atomic
def batch_start(
    *, template, created_by, track=None, course=None, school=None, cohort=None
) -> IssuanceBatch:
    """Issue certificates to everyone eligible who has none yet, in a new
    batch, and return it.

    Idempotent, also when two confirms arrive at once (a double click, two
    office staff): starts are taken one at a time (a lock on the template's
    serial counter, held to the end of the transaction) and the eligible are
    read only once the lock is held, so a second start sees the first one's
    certificates. A start that finds nobody left returns the latest batch of
    the same selection instead of an empty one, and reserves no serial; with
    no such batch it raises NothingToIssue. Nobody ineligible is included."""
    today = timezone.localdate()
    lock_serial_counter(template.serial_prefix, today.year)
    scope = {"track": track, "course": course, "school": school, "cohort": cohort}
    to_issue = [
        row
        for row in batch_preview(**scope)
        if row.eligibility.eligible and row.certificate is None
    ]
    if not to_issue:
        earlier = IssuanceBatch.objects.filter(**scope).order_by("-pk").first()
        if earlier is None:
            raise NothingToIssue
        return earlier
    batch = IssuanceBatch.objects.create(
        **scope, template=template, created_by=created_by,
        status=IssuanceBatch.Status.RUNNING, progress_total=len(to_issue),
    )  # fmt: skip
    serials = reserve_serials(template.serial_prefix, today.year, len(to_issue))
    # The preview already holds each completion row: no query per person.
    Certificate.objects.bulk_create(
        [
            Certificate(
                serial=serial,
                holder=row.user,
                track=track,
                course=course,
                issued_on=today,
                template=template,
                issued_by=created_by,
                batch=batch,
                **holder_snapshot(row.user, track, course, completion=row.completion),
            )  # fmt: skip
            for serial, row in zip(serials, to_issue, strict=True)
        ],
        ignore_conflicts=True,
    )
    created = list(batch.certificates.values_list("pk", flat=True))
    AuditEntry.objects.bulk_create(
        [AuditEntry(action=AuditEntry.Action.BATCH, actor=created_by,
                    details={"batch": batch.pk, "certificates": len(created)})]
        + [AuditEntry(action=AuditEntry.Action.ISSUE, actor=created_by,
                      certificate_id=pk, details={"batch": batch.pk}) for pk in created]
    )  # fmt: skip
    audit.record(
        action="certificate_bulk_issue", actor=created_by,
        target=str(track or course),
        details={"batch": batch.pk, "certificates": len(created)},
    )  # fmt: skip
    if not created:  # all taken by certificates issued one by one meanwhile
        batch.status, batch.finished_at = IssuanceBatch.Status.DONE, timezone.now()
        batch.progress_total = 0
        batch.save(update_fields=["status", "finished_at", "progress_total"])
    render_after_commit(created)
    return batch


def batch_progress(batch: IssuanceBatch) -> dict:
    """Counts and status read afresh in one query: callers poll with the same
    instance, whose `status` a worker has since changed."""
    counts = (
        IssuanceBatch.objects.filter(pk=batch.pk)
        .values("status")
        .annotate(
            total=Count("certificates"),
            issued=Count(
                "certificates",
                filter=Q(certificates__status=Certificate.Status.ISSUED),
            ),
        )
        .get()
    )
    batch.status = counts["status"]  # the instance is fresh again, for free
    return jobs.progress(
        completed=counts["issued"],
        total=counts["total"],
        done=counts["status"] == IssuanceBatch.Status.DONE,
        issued=counts["issued"],
    )


def batch_finish_if_done(batch_id: int) -> bool:
    """When no certificate of the batch is pending any more, mark it done and
    have its zip built (once, however many workers finish at the same time).
    A batch the sweep gave up on (failed) is done after all if its last
    certificates are rendered later. Otherwise the batch is touched: it is
    moving, and the sweep must not think it stuck."""
    with transaction.atomic():
        batch = IssuanceBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == IssuanceBatch.Status.DONE:
            return False
        if batch.certificates.filter(status=Certificate.Status.PENDING).exists():
            batch.save(update_fields=["updated_at"])
            return False
        batch.status, batch.error = IssuanceBatch.Status.DONE, ""
        batch.finished_at = timezone.now()
        batch.progress_done = batch.progress_total = batch.certificates.filter(
            status=Certificate.Status.ISSUED
        ).count()
        batch.save(
            update_fields=[
                "status", "error", "finished_at", "progress_done",
                "progress_total", "updated_at",
            ]
        )  # fmt: skip
        # Broker down: the sweep (housekeeping below) zips it later.
        transaction.on_commit(lambda: enqueue(archive_batch, batch_id))
    return True


def batch_archive(batch_id: int) -> IssuanceBatch:
    """Zip the batch's issued PDFs into one file for download. Written under a
    new name and then attached, so a killed worker leaves no half a zip."""
    import io
    import zipfile

    from django.core.files.base import ContentFile

    batch = IssuanceBatch.objects.get(pk=batch_id)
    if batch.archive:
        return batch
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in batch.certificates.filter(
            status=Certificate.Status.ISSUED
        ).only("serial", "holder_name", "pdf"):
            with certificate.pdf.open("rb") as pdf:
                name = f"{certificate.serial}-{certificate.holder_name}.pdf"
                archive.writestr(name, pdf.read())
    batch.archive.save(f"batch-{batch.pk}.zip", ContentFile(buffer.getvalue()))
    return batch


def batch_resume(batch_id: int) -> None:
    """The sweep found the batch stuck (no certificate rendered for a while):
    one attempt more, and done if nothing is pending any more (the last
    render's check was lost). Its pending certificates are queued again by
    `resume_pending`, with every other pending certificate."""
    if IssuanceBatch.claim(batch_id):
        batch_finish_if_done(batch_id)


def batch_housekeeping(now) -> None:
    """Queue again the certificates left pending, and the zip of finished
    batches whose zip could not be queued."""
    from .services import resume_pending

    resume_pending()
    done = IssuanceBatch.objects.filter(status=IssuanceBatch.Status.DONE, archive="")
    for batch_id in done.values_list("pk", flat=True)[:50]:
        enqueue(archive_batch, batch_id)


# The sweep (core.jobs) looks after batches once CertificatesConfig registers
# this. Every render touches its batch, so five quiet minutes mean stuck.
BATCHES = jobs.JobKind(
    name="certificates.batch",
    model=IssuanceBatch,
    task=resume_batch,
    pending_after=datetime.timedelta(minutes=2),
    stale_after=datetime.timedelta(minutes=5),
    housekeeping=batch_housekeeping,
)
