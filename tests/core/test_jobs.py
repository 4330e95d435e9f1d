"""core.jobs: the job model's states and attempts, the one sweep over every
registered kind, and the one progress JSON."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates.models import IssuanceBatch
from core import jobs
from courses.h5p import services as h5p_services
from courses.h5p import storage as h5p_storage
from courses.models import H5PPackage
from reports.models import ExportJob
from tests.certificates.test_faults import broker_unreachable
from tests.courses.test_h5p_packages import package_upload
from tests.factories import CertificateTemplateFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(hours=1)
KINDS = {"reports.export", "certificates.batch", "courses.h5p"}
# What every progress endpoint answers, whatever the kind adds.
PROGRESS_KEYS = {"total", "percent", "done", "finished"}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def queued(monkeypatch):
    """Each kind's task records what the sweep queues instead of running."""
    seen = []
    for name, kind in jobs.registered().items():
        monkeypatch.setattr(
            kind.task, "delay", lambda pk, name=name: seen.append((name, pk))
        )
    return seen


def _export(**fields) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=UserFactory(), table="matrix", fmt="csv",
        fingerprint=f"test-{ExportJob.objects.count()}", title="学习情况",
        **fields,
    )  # fmt: skip


def _batch(**fields) -> IssuanceBatch:
    return IssuanceBatch.objects.create(
        track=TrackFactory(), template=CertificateTemplateFactory(), **fields
    )


def _package(django_capture_on_commit_callbacks) -> H5PPackage:
    """A package whose unpack never ran: the process that was to run it after
    commit died."""
    with django_capture_on_commit_callbacks(execute=False):
        return h5p_services.h5p_package_create(
            title="练习", file=package_upload(), by=None
        )


def _age(job, **fields):
    type(job).objects.filter(pk=job.pk).update(updated_at=LONG_AGO, **fields)


# The job model ---------------------------------------------------------------


def test_claim_starts_a_live_job_and_counts_the_attempt():
    job = _export()

    assert ExportJob.claim(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    assert ExportJob.claim(job.pk) is True  # a redelivered task: its worker died
    job.refresh_from_db()
    assert job.attempts == 2


@pytest.mark.parametrize("status", ["done", "failed"])
def test_claim_leaves_a_finished_job_alone(status):
    job = _export(status=status)

    assert ExportJob.claim(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (status, 0)


def test_step_records_progress_and_shows_the_worker_alive():
    job = _export(status="running", progress_total=10)
    _age(job)

    ExportJob.step(job.pk, 4)

    job.refresh_from_db()
    assert (job.progress_done, job.percent) == (4, 40)
    assert job.updated_at > LONG_AGO


def test_release_waits_for_the_sweep_until_the_last_attempt():
    waiting, spent = _export(status="running", attempts=1), _export(attempts=3)
    ExportJob.objects.filter(pk=spent.pk).update(status="running")

    for job in (waiting, spent):
        ExportJob.release(job.pk, max_attempts=3)

    waiting.refresh_from_db(), spent.refresh_from_db()
    assert (waiting.status, waiting.finished_at) == ("pending", None)
    assert spent.status == "failed" and spent.finished_at is not None


def test_fail_says_why_and_when():
    job = _export(status="running")

    ExportJob.fail(job.pk, "磁盘已满")

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "磁盘已满")
    assert job.is_failed and not job.is_live and job.finished_at is not None


def test_a_kind_with_its_own_words_maps_them_to_the_states(
    django_capture_on_commit_callbacks,
):
    package = _package(django_capture_on_commit_callbacks)

    assert H5PPackage.STATES.live == ("processing",)
    assert package.is_live and not package.is_done
    assert H5PPackage.claim(package.pk) is True
    package.refresh_from_db()
    assert (package.status, package.attempts) == ("processing", 1)


# The sweep ----------------------------------------------------------------


def test_every_job_kind_is_registered():
    assert set(jobs.registered()) == KINDS
    assert all(issubclass(kind.model, jobs.Job) for kind in jobs.registered().values())


def test_the_sweep_queues_stale_jobs_of_every_kind(
    queued, django_capture_on_commit_callbacks
):
    export, batch = _export(), _batch(status="running")
    package = _package(django_capture_on_commit_callbacks)
    for job in (export, batch, package):
        _age(job)
    fresh = _export()  # just created: its own task is on its way

    with django_capture_on_commit_callbacks(execute=True):
        counts = jobs.sweep()

    assert counts == dict.fromkeys(KINDS, 1)
    assert sorted(queued) == sorted(
        [
            ("reports.export", export.pk),
            ("certificates.batch", batch.pk),
            ("courses.h5p", package.pk),
        ]
    )
    assert fresh.pk not in {pk for name, pk in queued if name == "reports.export"}


def test_a_stuck_running_job_is_pending_again_and_not_queued_twice(
    queued, django_capture_on_commit_callbacks
):
    job = _export()
    _age(job, status="running", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep(["reports.export"])
        jobs.sweep(["reports.export"])  # the next sweep, before a worker ran

    job.refresh_from_db()
    assert job.status == "pending"
    assert queued == [("reports.export", job.pk)]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_sweep_gives_up_after_the_last_attempt_with_a_clear_state(
    kind, queued, django_capture_on_commit_callbacks
):
    job = {
        "reports.export": lambda: _export(status="running"),
        "certificates.batch": lambda: _batch(status="running"),
        "courses.h5p": lambda: _package(django_capture_on_commit_callbacks),
    }[kind]()
    _age(job, attempts=jobs.registered()[kind].max_attempts)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep([kind])

    job.refresh_from_db()
    assert job.is_failed and job.finished_at is not None
    assert "3" in job.error
    assert queued == []


def test_a_package_left_processing_is_unpacked_by_the_sweep(
    django_capture_on_commit_callbacks,
):
    package = _package(django_capture_on_commit_callbacks)
    _age(package)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep(["courses.h5p"])

    package.refresh_from_db()
    assert package.is_ready and package.attempts == 1
    assert (package.progress_done, package.progress_total) == (1, 1)
    assert h5p_storage.content_root(package).exists()


def test_with_the_broker_down_the_sweep_unpacks_a_package_itself(
    django_capture_on_commit_callbacks,
):
    package = _package(django_capture_on_commit_callbacks)
    _age(package)

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        jobs.sweep(["courses.h5p"])

    package.refresh_from_db()
    assert package.is_ready


def test_the_sweep_finishes_a_batch_whose_last_check_was_lost(
    django_capture_on_commit_callbacks,
):
    batch = _batch(status="running")  # no certificate left pending
    _age(batch)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep(["certificates.batch"])

    batch.refresh_from_db()
    assert batch.is_done and batch.attempts == 1 and batch.finished_at


def test_one_kind_failing_does_not_stop_the_sweep_of_the_others(
    monkeypatch, queued, django_capture_on_commit_callbacks
):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        jobs._kinds,
        "aaa.broken",
        jobs.JobKind(
            name="aaa.broken", model=ExportJob, task=None, housekeeping=broken
        ),
    )
    job = _export()
    _age(job)

    with django_capture_on_commit_callbacks(execute=True):
        counts = jobs.sweep()

    assert "aaa.broken" not in counts and counts["reports.export"] == 1


def test_the_sweep_runs_from_celery_beat_and_by_hand(
    settings, queued, capsys, django_capture_on_commit_callbacks
):
    from core.tasks import sweep_jobs

    job = _export()
    _age(job)
    schedule = settings.CELERY_BEAT_SCHEDULE

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_jobs", "reports.export")

    assert [entry["task"] for entry in schedule.values()] == [sweep_jobs.name]
    assert "reports.export: 1 queued" in capsys.readouterr().out
    assert queued == [("reports.export", job.pk)]


# The progress JSON -----------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "total", "done", "percent"),
    [(0, 0, False, 0), (1, 2, False, 50), (2, 2, False, 99), (2, 2, True, 100)],
)
def test_progress_is_100_only_once_done(completed, total, done, percent):
    state = jobs.progress(completed=completed, total=total, done=done)

    assert state == {"total": total, "percent": percent, "done": done}


def test_progress_response_is_never_cached():
    response = jobs.progress_response(
        jobs.progress(completed=1, total=4, done=False, finished=False, rows=1)
    )

    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {
        "total": 4, "percent": 25, "done": False, "finished": False, "rows": 1,
    }  # fmt: skip


def test_every_progress_endpoint_answers_the_common_keys(client, office):
    export = _export(progress_total=5)
    export.requested_by = office
    export.save()
    batch = _batch(status="running")
    client.force_login(office)

    answers = [
        client.get(f"/reports/exports/{export.pk}/progress/").json(),
        client.get(f"/office/certificates/bulk/{batch.pk}/progress/").json(),
    ]

    for answer in answers:
        assert PROGRESS_KEYS <= set(answer), answer
        assert (answer["done"], answer["finished"]) == (False, False)


def test_a_batch_given_up_says_so_on_its_page_and_stops_the_polling(client, office):
    batch = _batch(status="failed", error=jobs.give_up_message(3))
    client.force_login(office)

    state = client.get(f"/office/certificates/bulk/{batch.pk}/progress/").json()
    page = client.get(f"/office/certificates/bulk/{batch.pk}/").content.decode()

    assert (state["done"], state["finished"]) == (False, True)
    assert '<p class="msg error" data-show-if="failed">' in page
    assert batch.error in page
