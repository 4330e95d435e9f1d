"""Certificate PDFs: the time and size of one render, and bulk issuance of
1,000 certificates rendered by two real Celery worker processes on Redis.

Needs PostgreSQL (SQLite cannot take concurrent workers) and Redis:
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lms_bench, created
and migrated if missing) and CELERY_BROKER_URL (default redis://127.0.0.1:6379/14).
Each run adds its own course and 1,000 teachers, so runs never collide; PDFs go
to a scratch MEDIA_ROOT that is removed afterwards. Prints one JSON line per figure.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_bench"
)
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-bench-certificates-")
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    CELERY_BROKER_URL=BROKER_URL,
    MEDIA_ROOT=MEDIA_ROOT,
    # Each worker holds one connection for its life; the server is local.
    DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "600"),
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

RENDERS, TEACHERS, WORKERS, GIVE_UP_AFTER = 20, 1000, 2, 300
CELERY = ROOT / ".venv" / "bin" / "celery"
RUN = time.strftime("%Y%m%d%H%M%S")


def create_database_if_missing() -> None:
    from pgdb import create_database_if_missing as create

    create(DATABASE_URL)


import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from lms.celery import app as celery_app  # noqa: E402


def emit(name, value, unit, **extra):
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}))


def build():
    """A course and TEACHERS teachers who completed it (completion rows written
    directly: the bench measures issuance, not learning)."""
    from certificates.models import CertificateTemplate
    from cms.models import HomePage
    from courses.models import (
        CourseCategory,
        CourseCompletion,
        CourseIndexPage,
        CoursePage,
        Enrolment,
    )
    from people.models import Profile, Role, School, User

    call_command("migrate", verbosity=0)
    home = HomePage.objects.get(depth=2)
    catalog = home.add_child(
        instance=CourseIndexPage(title=f"基准课程{RUN}", slug=f"bench-cert-{RUN}")
    )
    category, _ = CourseCategory.objects.get_or_create(
        code="bench-certificates", defaults={"name": "基准测试"}
    )
    course = catalog.add_child(
        instance=CoursePage(
            title="留守儿童心理辅导", slug="course", code=f"BC-{RUN}", summary="基准",
            category=category, credit_hours=Decimal(8), estimated_hours=8,
        )
    )  # fmt: skip
    school = School.objects.create(
        code=f"bench-cert-{RUN}", name=f"依果觉乡小学校{RUN}", kind="central_primary"
    )
    names = ["沙马伍呷", "吉克阿依 ꀊꁨꃀꑭ", "阿苦日者", "ꇁꁧꌠ 曲比阿衣"]
    users = User.objects.bulk_create(
        [
            User(username=f"bc{RUN}-{n}", name=f"{names[n % len(names)]}{n}")
            for n in range(TEACHERS)
        ]
    )
    Profile.objects.bulk_create(
        [Profile(user=u, role=Role.TEACHER, school=school) for u in users]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=u, course=course, source="office") for u in users]
    )
    now = timezone.now()
    CourseCompletion.objects.bulk_create(
        [
            CourseCompletion(
                user=u,
                course=course,
                status="completed",
                lessons_completed=6,
                lessons_total=6,
                completed_at=now,
            )  # fmt: skip
            for u in users
        ]
    )
    template = CertificateTemplate.objects.create(
        name=f"基准模板{RUN}",
        body=(
            "{holder_name}同志：\n于2020年6月至2022年3月在{school}参加{programme}"
            "“{subject}”研修，完成{hours}学时学习任务，考核合格，特发此证。"
        ),
        serial_prefix="BENCH",
        issuer_name="乐山师范学院",
        signatory_name="张明",
        signatory_title="项目负责人",
    )
    office = User.objects.create(username=f"bc{RUN}-office", name="项目办")
    return course, template, office, users[1]


def measure_render(course, template, office, holder):
    """Median and size of one certificate's PDF, rendered in this process."""
    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf

    certificate = Certificate(
        serial=f"BENCH-SINGLE-{RUN}", holder=holder, holder_name=holder.name,
        holder_school="依果觉乡小学校", course=course, subject=course.title,
        hours=course.credit_hours, issued_on=timezone.localdate(),
        template=template, issued_by=office,
    )  # fmt: skip
    start = time.perf_counter()
    pdf = render_certificate_pdf(certificate)  # the first loads fonts
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        pdf = render_certificate_pdf(certificate)
        times.append((time.perf_counter() - start) * 1000)
    emit("certificate_pdf_first_render", round(first, 1), "ms")
    emit("certificate_pdf_render_p50", round(statistics.median(times), 1), "ms")
    emit("certificate_pdf_size", round(len(pdf) / 1024, 1), "KB")


def start_workers() -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DEBUG": "false",
    }
    return [
        subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "lms",
                "worker",
                "-c",
                "1",
                "--pool",
                "prefork",
                "-Q",
                "celery",
                "-n",
                f"bench{n}-{RUN}@%h",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )  # fmt: skip
        for n in range(WORKERS)
    ]


def wait_until_ready(workers, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("a Celery worker exited while starting")
        replies = celery_app.control.ping(timeout=1.0)
        if sum(RUN in name for reply in replies for name in reply) >= len(workers):
            return
    raise RuntimeError("the Celery workers did not answer within a minute")


def stop_workers(workers) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()  # warm shutdown: finish the task in hand
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool child
            worker.wait()


def measure_bulk(course, template, office):
    from certificates.bulk import batch_progress, batch_start
    from certificates.models import IssuanceBatch

    celery_app.control.purge()  # messages left by an interrupted run
    workers = start_workers()
    try:
        wait_until_ready(workers)
        start = time.perf_counter()
        batch = batch_start(template=template, created_by=office, course=course)
        queued = time.perf_counter() - start
        progress = batch_progress(batch)
        while not progress["done"] and time.perf_counter() - start < GIVE_UP_AFTER:
            time.sleep(0.25)
            progress = batch_progress(batch)
        elapsed = time.perf_counter() - start
        while time.perf_counter() - start < GIVE_UP_AFTER:
            if IssuanceBatch.objects.get(pk=batch.pk).archive:
                break
            time.sleep(0.25)
        zipped = time.perf_counter() - start
    finally:
        stop_workers(workers)
    done = progress["done"]
    extra = {"db": connection.vendor, "workers": WORKERS, "done": done}
    emit("bulk_issue_certificates", progress["issued"], "certificates", **extra)
    emit("bulk_issue_queued", round(queued, 2), "s", **extra)
    emit("bulk_issue_all_rendered", round(elapsed, 1), "s", **extra)
    emit("bulk_issue_rate", round(progress["issued"] / elapsed, 1), "cert/s", **extra)
    emit("bulk_issue_zip_ready", round(zipped, 1), "s", **extra)
    if not done:
        raise SystemExit(f"gave up after {GIVE_UP_AFTER} s: {progress}")


def main():
    create_database_if_missing()
    try:
        course, template, office, holder = build()
        measure_render(course, template, office, holder)
        measure_bulk(course, template, office)
    finally:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
