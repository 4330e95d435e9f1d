"""Writes for reports: export jobs. A large export is a job that a Celery
worker writes; starting one answers at once even when the broker is down (the
job waits and the periodic sweep queues it again), two identical requests
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
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from core.storage import files_older_than, move_into_place, open_new
from core.tasks import enqueue_each_after_commit
from people.models import User

from .models import ExportJob
from .storage import TEMP_DIR, export_name, export_storage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# A running job whose progress has not moved for this long lost its worker.
STALE_AFTER = datetime.timedelta(minutes=10)
KEEP_FILES_FOR = datetime.timedelta(days=7)


def fingerprint(*, user: User, table: str, fmt: str, params: dict) -> str:
    key = json.dumps([user.pk, table, fmt, params], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


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
                fingerprint=digest, title=title[:200], total_rows=total,
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
    from .tasks import write_export

    enqueue_each_after_commit(write_export, job_ids, what="exports")


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's file. Idempotent: a finished or failed job is left
    alone, and of two workers writing the same job (a redelivered task) the
    second to finish drops its copy. The table is built again with the
    requester's current permissions, so scope is checked in the worker too."""
    from .tables import ExportInvalid, build_table

    claimed = ExportJob.objects.filter(pk=job_id, status__in=ExportJob.LIVE).update(
        status=ExportJob.Status.RUNNING, attempts=F("attempts") + 1,
        rows_written=0, updated_at=timezone.now(),
    )  # fmt: skip
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
            written = table.write(target, job.fmt, lambda n: _progress(job.pk, n))
        return _finish(job.pk, temporary, written)
    except BaseException:
        export_storage().delete(temporary)
        _release(job.pk)
        raise


def _progress(job_id: int, rows: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        rows_written=rows, updated_at=timezone.now()
    )


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
        job.rows_written = job.total_rows = written
        job.finished_at = timezone.now()
        job.error = ""
        job.save()
    return job


def _release(job_id: int) -> None:
    """After a failed attempt the job waits for the sweep, or fails for good
    after MAX_ATTEMPTS."""
    ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.RUNNING, attempts__lt=MAX_ATTEMPTS
    ).update(status=ExportJob.Status.PENDING, updated_at=timezone.now())
    ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.RUNNING, attempts__gte=MAX_ATTEMPTS
    ).update(status=ExportJob.Status.FAILED, finished_at=timezone.now())


def _fail(job: ExportJob, reason: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=reason[:500],
        finished_at=timezone.now(),
    )  # fmt: skip
    job.refresh_from_db()
    return job


def export_progress(job: ExportJob) -> dict:
    """The job's state read afresh (one query): callers poll with an old
    instance whose status a worker has since changed."""
    job.refresh_from_db(
        fields=["status", "rows_written", "total_rows", "file", "finished_at"]
    )
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "rows": job.rows_written,
        "total": job.total_rows,
        "percent": job.percent,
        "done": job.status == ExportJob.Status.DONE,
        "failed": job.status == ExportJob.Status.FAILED,
    }


def resume_pending_exports(*, older_than_seconds: int = 60) -> int:
    """Queue again the jobs left waiting (the broker was down) or running
    without progress (their worker died); give up on those tried too often;
    remove temporary files and old exports. Called by Celery beat; returns
    how many jobs were queued."""
    now = timezone.now()
    ExportJob.objects.filter(
        status__in=ExportJob.LIVE,
        attempts__gte=MAX_ATTEMPTS,
        updated_at__lt=now - STALE_AFTER,
    ).update(status=ExportJob.Status.FAILED, finished_at=now)
    waiting = ExportJob.objects.filter(
        status=ExportJob.Status.PENDING,
        updated_at__lt=now - datetime.timedelta(seconds=older_than_seconds),
    )
    stuck = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, updated_at__lt=now - STALE_AFTER
    )
    ids = list((waiting | stuck).values_list("pk", flat=True)[:500])
    if ids:
        ExportJob.objects.filter(pk__in=ids, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.PENDING, updated_at=now
        )
        with transaction.atomic():
            _queue_after_commit(ids)
    _purge(now)
    return len(ids)


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
