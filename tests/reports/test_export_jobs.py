"""Export jobs when things go wrong: the broker is down, a worker is killed
half-way, a task is delivered twice, two identical requests arrive at once,
the requester loses access. Nothing is lost, doubled or half-written."""

import datetime
import os
import signal
import time

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import services, tables
from reports.models import ExportJob
from reports.services import (
    export_job_run,
    export_job_start,
    resume_pending_exports,
)
from reports.storage import export_storage
from tests.certificates.test_faults import broker_unreachable
from tests.helpers import at_once

pytestmark = pytest.mark.django_db


def _start(user, table="matrix", fmt="xlsx", params=None):
    return export_job_start(
        user=user, table=table, fmt=fmt, params=params or {}, title="学习情况",
        total=3,
    )  # fmt: skip


def _files(root):
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
    )


def test_export_answers_while_the_broker_is_down_and_is_resumed_later(
    programme, export_root, django_capture_on_commit_callbacks
):
    with broker_unreachable():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job, created = _start(programme.principal)
        elapsed = time.monotonic() - started

    assert created and len(callbacks) == 1  # the enqueue ran, and failed quietly
    assert elapsed < 5, f"starting took {elapsed:.1f}s with Redis down"
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("pending", "")  # nothing lost

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_pending_exports(older_than_seconds=0) == 1

    job.refresh_from_db()
    assert job.status == "done" and job.rows_written == 3
    assert _files(export_root) == [job.file.name]


def test_the_view_answers_while_the_broker_is_down(
    client, programme, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_SYNC_EXPORT_MAX_ROWS = 1
    client.force_login(programme.principal)

    with broker_unreachable():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/reports/export/matrix/", {"fmt": "csv"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"/reports/exports/{job.pk}/")
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["progress"]["status"] == "pending"


def test_identical_requests_share_one_live_job(programme):
    first, created = _start(programme.principal)
    again, created_again = _start(programme.principal)
    other_format, _ = _start(programme.principal, fmt="csv")

    assert created and not created_again
    assert again.pk == first.pk
    assert other_format.pk != first.pk
    export_job_run(job_id=first.pk)
    later, created_later = _start(programme.principal)
    assert created_later and later.pk != first.pk  # a finished job is not reused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_identical_requests_create_one_job(programme, monkeypatch):
    monkeypatch.setattr(services, "_queue_after_commit", lambda ids: None)

    results = at_once(lambda i: _start(programme.principal)[0].pk, 4)

    assert len(set(results)) == 1
    assert ExportJob.objects.count() == 1


def _kill_mid_write(monkeypatch, after_rows=1):
    """Make the writer die after `after_rows` rows with SIGKILL: no cleanup,
    as when the machine or the worker process is killed."""
    write = tables.ExportTable.write

    def dying_write(self, target, fmt, rows_written=None):
        def progress(n):
            if rows_written:
                rows_written(n)

        count = 0
        original = self.sheets

        def rows_then_die(rows):
            nonlocal count
            for row in rows:
                count += 1
                if count > after_rows:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield row

        self.sheets = [(t, h, lambda r=r: rows_then_die(r())) for t, h, r in original]
        return write(self, target, fmt, progress)

    monkeypatch.setattr(tables.ExportTable, "write", dying_write)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_worker_killed_mid_write_leaves_no_file_and_the_retry_writes_one(
    programme, export_root, monkeypatch
):
    job, _ = _start(programme.principal, fmt="csv")
    _kill_mid_write(monkeypatch)
    pid = os.fork()
    if pid == 0:  # the worker that gets killed
        try:
            export_job_run(job_id=job.pk)
        finally:
            os._exit(3)  # not reached: SIGKILL comes first
    _pid, status = os.waitpid(pid, 0)
    monkeypatch.undo()

    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    job.refresh_from_db()
    assert job.status != "done" and not job.file
    left = _files(export_root)
    assert all(n.startswith("exports/tmp/") and n.endswith(".part") for n in left)
    assert len(left) == 1  # the killed worker's temporary file, nothing else

    export_job_run(job_id=job.pk)  # the redelivered task

    job.refresh_from_db()
    assert job.status == "done"
    assert [n for n in _files(export_root) if not n.startswith("exports/tmp/")] == [
        job.file.name
    ]
    with job.file.open("rb") as stored:
        lines = stored.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # header and every row: complete


def test_a_failed_attempt_removes_its_temporary_file_and_waits(
    programme, export_root, monkeypatch
):
    job, _ = _start(programme.principal)

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tables.ExportTable, "write", broken)
    with pytest.raises(OSError):
        export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", 1)
    assert _files(export_root) == []


def test_task_delivered_twice_writes_once(programme, export_root):
    from reports.tasks import write_export

    job, _ = _start(programme.principal)

    write_export.delay(job.pk)
    write_export.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    assert _files(export_root) == [job.file.name]
    book = load_workbook(export_root / job.file.name, read_only=True)
    assert len(list(book.worksheets[0].iter_rows())) == 4


def test_a_second_writer_finishing_late_drops_its_copy(programme, export_root):
    job, _ = _start(programme.principal)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    before = (export_root / job.file.name).read_bytes()
    late = export_storage().path("exports/tmp/late.part")
    os.makedirs(os.path.dirname(late), exist_ok=True)
    with open(late, "wb") as handle:
        handle.write(b"a late copy")

    services._finish(job.pk, late, 3)

    assert not os.path.exists(late)
    assert (export_root / job.file.name).read_bytes() == before


def test_job_fails_when_the_requester_may_no_longer_see_the_school(
    programme, export_root
):
    job, _ = _start(programme.principal, params={"school": str(programme.school.pk)})
    profile = programme.principal.profile
    profile.school = programme.other_school
    profile.save()

    export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert _files(export_root) == []


def test_resume_requeues_stuck_jobs_and_gives_up_after_three_attempts(
    programme, django_capture_on_commit_callbacks
):
    stale = timezone.now() - datetime.timedelta(minutes=30)
    stuck, _ = _start(programme.principal)
    tried, _ = _start(programme.principal, fmt="csv")
    recent, _ = _start(programme.principal, table="transcript")
    ExportJob.objects.filter(pk=stuck.pk).update(status="running", attempts=1)
    ExportJob.objects.filter(pk=tried.pk).update(status="running", attempts=3)
    ExportJob.objects.filter(pk__in=[stuck.pk, tried.pk]).update(updated_at=stale)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = resume_pending_exports()

    assert queued == 1 and len(callbacks) == 1
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {stuck.pk: "pending", tried.pk: "failed", recent.pk: "pending"}


def test_resume_removes_old_exports_and_stale_temporary_files(programme, export_root):
    job, _ = _start(programme.principal)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    stale = export_root / "exports" / "tmp" / "9-old.part"
    stale.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))

    resume_pending_exports()

    assert not ExportJob.objects.exists()
    assert _files(export_root) == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_writes_the_export(programme, export_root, real_broker):
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app as celery_app

    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        job, _ = _start(programme.principal)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == "done":
                break
            time.sleep(0.2)

    assert job.status == "done"
    assert _files(export_root) == [job.file.name]
