"""What happens when the broker is down, a worker dies half-way or a task is
delivered twice: the office still gets an answer, and no certificate or PDF is
lost or doubled. Tests marked `redis` run a real worker against Redis."""

import datetime
import io
import threading
import time
import zipfile

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from certificates.bulk import batch_progress, batch_start
from certificates.models import Certificate
from certificates.services import (
    certificate_issue,
    certificate_render,
    certificate_revoke,
    resume_pending,
)
from courses.models import CourseCompletion, Enrolment
from courses.models.learning import CompletionStatus, Source
from lms.celery import app as celery_app
from tests.helpers import celery_broker

from .conftest import fake_pdf_bytes, sha256, stored_pdfs

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def broker_unreachable():
    """Send tasks to a Redis that refuses connections, as when Redis is down:
    broker and result store (by default the same Redis) both unreachable."""
    return celery_broker(UNREACHABLE)


@pytest.fixture
def completed(teacher, course, complete_course):
    complete_course(teacher, course)
    return teacher


def _backdate(*certificates, seconds=600):
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


# Broker down -----------------------------------------------------------------


def test_certificate_issue_answers_while_the_broker_is_down(
    completed, office, template, course, fake_pdf, django_capture_on_commit_callbacks
):
    with broker_unreachable():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            certificate = certificate_issue(
                holder=completed, template=template, issued_by=office, course=course
            )
        elapsed = time.monotonic() - started

    assert len(callbacks) == 1  # the enqueue ran, and failed quietly
    assert elapsed < 5, f"issuing took {elapsed:.1f}s with the broker down"
    certificate.refresh_from_db()
    assert (certificate.status, certificate.pdf.name) == ("pending", "")
    assert fake_pdf.rendered == []


def test_certificate_left_pending_by_a_broker_outage_is_resumed(
    completed,
    office,
    template,
    course,
    private_files,
    django_capture_on_commit_callbacks,
):
    with broker_unreachable():
        with django_capture_on_commit_callbacks(execute=True):
            certificate = certificate_issue(
                holder=completed, template=template, issued_by=office, course=course
            )
    assert Certificate.objects.get().status == "pending"  # nothing lost

    with django_capture_on_commit_callbacks(execute=True):
        resumed = resume_pending(older_than_seconds=0)

    assert resumed == 1
    certificate.refresh_from_db()
    assert certificate.status == "issued"
    assert stored_pdfs(private_files) == [private_files / certificate.pdf.name]


def test_batch_start_answers_while_the_broker_is_down_and_is_resumed_later(
    make_teacher,
    course,
    complete_course,
    office,
    template,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from certificates.tasks import render_certificate

    people = [make_teacher() for _ in range(6)]
    for user in people:
        complete_course(user, course)
    attempts = []
    delay = render_certificate.delay

    def counted_delay(*args):
        attempts.append(args)
        return delay(*args)

    monkeypatch.setattr(render_certificate, "delay", counted_delay)

    with broker_unreachable():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            batch = batch_start(template=template, created_by=office, course=course)
        elapsed = time.monotonic() - started

    # One refused connection is enough to know: the rest wait for the sweep,
    # rather than the office waiting a second for each certificate.
    assert len(attempts) == 1
    assert elapsed < 5, f"starting the batch took {elapsed:.1f}s with Redis down"
    assert batch_progress(batch) == {
        "total": 6,
        "issued": 0,
        "percent": 0,
        "done": False,
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_pending(older_than_seconds=0) == 6

    assert batch_progress(batch)["done"] is True
    batch.refresh_from_db()
    assert batch.archive


def test_resume_pending_leaves_recent_issued_and_revoked_certificates_alone(
    make_teacher,
    office,
    template,
    course,
    complete_course,
    fake_pdf,
    django_capture_on_commit_callbacks,
):
    people = [make_teacher() for _ in range(4)]
    for user in people:
        complete_course(user, course)
    stuck, recent, issued, revoked = (
        certificate_issue(holder=u, template=template, issued_by=office, course=course)
        for u in people
    )
    certificate_render(certificate_id=issued.pk)
    certificate_revoke(certificate=revoked, revoked_by=office, reason="重复")
    _backdate(stuck, issued, revoked)
    fake_pdf.rendered.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_pending() == 1  # only the one pending for over two minutes

    assert fake_pdf.rendered == [stuck.pk]
    assert Certificate.objects.get(pk=recent.pk).status == "pending"


# A worker killed half-way, a task delivered twice -----------------------------


def test_redelivered_render_after_a_crash_before_saving_leaves_one_issued_file(
    completed, office, template, course, private_files, monkeypatch
):
    """The worker died after writing the PDF but before the row was saved; the
    broker delivers the task again (acks_late) and the second run finishes."""
    certificate = certificate_issue(
        holder=completed, template=template, issued_by=office, course=course
    )
    save = Certificate.save
    crashes = []

    def save_crashing_once(self, *args, **kwargs):
        if "pdf" in (kwargs.get("update_fields") or ()) and not crashes:
            crashes.append(self.pk)
            raise OperationalError("server closed the connection unexpectedly")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Certificate, "save", save_crashing_once)

    with pytest.raises(OperationalError):
        certificate_render(certificate_id=certificate.pk)
    assert Certificate.objects.get().status == "pending"
    certificate_render(certificate_id=certificate.pk)  # the redelivery
    certificate_render(certificate_id=certificate.pk)  # and once more, late

    assert crashes == [certificate.pk]
    stored = Certificate.objects.get()
    assert stored.status == "issued"
    assert stored_pdfs(private_files) == [private_files / stored.pdf.name]
    data = (private_files / stored.pdf.name).read_bytes()
    assert data == fake_pdf_bytes(stored)
    assert stored.pdf_sha256 == sha256(data)


def test_render_task_delivered_twice_renders_once(
    completed, office, template, course, fake_pdf, private_files
):
    from certificates.tasks import render_certificate

    certificate = certificate_issue(
        holder=completed, template=template, issued_by=office, course=course
    )

    render_certificate.delay(certificate.pk)
    render_certificate.delay(certificate.pk)

    assert fake_pdf.rendered == [certificate.pk]
    assert Certificate.objects.get().status == "issued"
    assert len(stored_pdfs(private_files)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_renders_racing_on_two_workers_leave_one_file(
    completed, office, template, course, private_files, fake_pdf
):
    fake_pdf.fail = RuntimeError("not now")  # keep the eager render on commit out
    certificate = certificate_issue(
        holder=completed, template=template, issued_by=office, course=course
    )
    fake_pdf.fail = None
    assert Certificate.objects.get().status == "pending"
    barrier, errors = threading.Barrier(4), []

    def render():
        try:
            barrier.wait(timeout=10)
            certificate_render(certificate_id=certificate.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    stored = Certificate.objects.get()
    assert stored.status == "issued"
    assert stored_pdfs(private_files) == [private_files / stored.pdf.name]
    assert stored.pdf_sha256 == sha256((private_files / stored.pdf.name).read_bytes())


# A real worker on Redis ------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_issuance_of_20_is_finished_by_a_real_worker(
    make_teacher, course, office, template, real_broker
):
    from celery.contrib.testing.worker import start_worker

    people = [make_teacher() for _ in range(20)]
    Enrolment.objects.bulk_create(
        Enrolment(user=u, course=course, source=Source.OFFICE) for u in people
    )
    CourseCompletion.objects.bulk_create(
        CourseCompletion(user=u, course=course, status=CompletionStatus.COMPLETED)
        for u in people
    )

    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        batch = batch_start(template=template, created_by=office, course=course)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch_progress(batch)["done"] and batch.archive:
                break
            time.sleep(0.2)

    assert batch_progress(batch) == {
        "total": 20,
        "issued": 20,
        "percent": 100,
        "done": True,
    }
    certificates = list(batch.certificates.all())
    assert {c.holder for c in certificates} == set(people)
    with batch.archive.open("rb") as stored:
        names = zipfile.ZipFile(io.BytesIO(stored.read())).namelist()
    assert sorted(names) == sorted(
        f"{c.serial}-{c.holder_name}.pdf" for c in certificates
    )
