"""Writes for reports: export jobs. A large export is a job (core.jobs) that
a Celery worker writes; starting one answers at once even when the broker is
down (the job waits and the sweep queues it again), two identical requests
share one job, and a worker killed half-way leaves neither a duplicate nor a
half-written file behind the job: the file is written under a temporary name
and renamed into place when complete."""

import datetime
import hashlib
import json
import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from core import jobs
from core.storage import files_older_than, move_into_place, open_new
from core.tasks import enqueue_each_after_commit
from people import audit
from people.models import User

from .models import ExportJob
from .storage import TEMP_DIR, export_name, export_storage
from .tasks import write_export

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# A running job whose progress has not moved for this long lost its worker.
STALE_AFTER = datetime.timedelta(minutes=10)
KEEP_FILES_FOR = datetime.timedelta(days=7)


def fingerprint(*, user: User, table: str, fmt: str, params: dict) -> str:
    key = json.dumps([user.pk, table, fmt, params], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def export_record(
    *, request, table: str, fmt: str, title: str, rows: int, params: dict
) -> None:
    """Record in the audit log that the requester exported a report table:
    which, in what format, how many rows and with which filters."""
    audit.record(
        action="export", request=request, target=title,
        details={"report": table, "format": fmt, "rows": rows, "filters": params},
    )  # fmt: skip


def export_job_start(
    *, user: User, table: str, fmt: str, params: dict, title: str, total: int
) -> tuple[ExportJob, bool]:
    """Create the export job and queue it after commit; returns (job, created).

    Idempotent: while an identical job (same person, table, format and
    filters) is waiting or running, that job is returned instead, however
    many requests arrive at once (the database allows one live job per
    fingerprint). A broker that is down leaves the job pending, never an error.
    """
    digest = fingerprint(user=user, table=table, fmt=fmt, params=params)
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                requested_by=user, table=table, fmt=fmt, params=params,
                fingerprint=digest, title=title[:200], progress_total=total,
            )  # fmt: skip
            _queue_after_commit([job.pk])
    except IntegrityError:
        live = ExportJob.objects.filter(
            fingerprint=digest, status__in=ExportJob.LIVE
        ).first()
        if live is None:  # it finished in between: start afresh
            return export_job_start(
                user=user, table=table, fmt=fmt, params=params, title=title,
                total=total,
            )  # fmt: skip
        return live, False
    return job, True


def _queue_after_commit(job_ids: list[int]) -> None:
    enqueue_each_after_commit(write_export, job_ids, what="exports")


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's file. Idempotent: a finished or failed job is left
    alone, and of two workers writing the same job (a redelivered task) the
    second to finish drops its copy. The table is built again with the
    requester's current permissions, so scope is checked in the worker too."""
    from .tables import ExportInvalid, build_table

    # A new attempt writes from the first row.
    claimed = ExportJob.claim(job_id, progress_done=0)
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    try:
        table = build_table(job.table, job.params, job.requested_by)
    except (ExportInvalid, Http404, PermissionDenied) as error:
        # The filters are wrong, or the requester may no longer see this.
        return _fail(job, f"{error.__class__.__name__}: {error}")
    temporary = f"{TEMP_DIR}/{job.pk}-{uuid.uuid4().hex}.part"
    try:
        with open_new(temporary, export_storage()) as target:
            written = table.write(target, job.fmt, lambda n: ExportJob.step(job.pk, n))
        return _finish(job.pk, temporary, written)
    except BaseException:
        export_storage().delete(temporary)
        ExportJob.release(job.pk, max_attempts=MAX_ATTEMPTS)
        raise


def _finish(job_id: int, temporary: str, written: int) -> ExportJob:
    storage = export_storage()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ExportJob.Status.DONE:  # another worker was first
            storage.delete(temporary)
            return job
        name = export_name(job)
        # The same name every time: a retry after a crash between the rename
        # and the commit overwrites the file rather than adding a second one.
        move_into_place(temporary, name, storage)
        job.file.name = name
        job.status = ExportJob.Status.DONE
        job.progress_done = job.progress_total = written
        job.finished_at = timezone.now()
        job.error = ""
        job.save()
    return job


def _fail(job: ExportJob, reason: str) -> ExportJob:
    ExportJob.fail(job.pk, reason[:500])
    job.refresh_from_db()
    return job


def export_progress(job: ExportJob) -> dict:
    """The job's progress JSON (core.jobs) read afresh (one query): callers
    poll with an old instance whose status a worker has since changed."""
    job.refresh_from_db(
        fields=["status", "progress_done", "progress_total", "file", "finished_at"]
    )
    return jobs.progress(
        completed=job.progress_done,
        total=job.progress_total,
        done=job.is_done,
        rows=job.progress_done,
        status=job.status,
        label=str(job.get_status_display()),
        failed=job.is_failed,
    )


def resume_pending_exports(*, older_than_seconds: int = 60) -> int:
    """The sweep (core.jobs) of export jobs: queue again the jobs left
    waiting (the broker was down) or running without progress (their worker
    died), give up on those tried too often, remove temporary files and old
    exports. Returns how many jobs were queued."""
    return jobs.sweep_kind(
        EXPORTS, pending_after=datetime.timedelta(seconds=older_than_seconds)
    )


def _purge(now) -> None:
    storage = export_storage()
    for job in ExportJob.objects.filter(created_at__lt=now - KEEP_FILES_FOR):
        if job.file:
            storage.delete(job.file.name)
        job.delete()
    stale = files_older_than(
        TEMP_DIR, now - STALE_AFTER, suffix=".part", storage=storage
    )
    for name in stale:
        storage.delete(name)


# The sweep (core.jobs) looks after export jobs once ReportsConfig registers this.
EXPORTS = jobs.JobKind(
    name="reports.export",
    model=ExportJob,
    task=write_export,
    max_attempts=MAX_ATTEMPTS,
    stale_after=STALE_AFTER,
    housekeeping=_purge,
)
