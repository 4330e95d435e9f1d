"""Reports at programme scale: the principal dashboard of a 1,000-teacher
school, the office overview and a 20,000-row XLSX export.

Builds, in its own PostgreSQL database (BENCH_REPORTS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/lms_reports_bench, created if missing), a
synthetic programme: 100 supported schools (one of 1,000 teachers), 20,000
teachers, 60 courses of 5 lessons, three tracks, about 1.5 million lesson
progress rows with the completion rows, hours ledger, certificates and
placements that go with them (COPY, a few minutes on 2 cores). A finished
build is kept and reused; BENCH_REBUILD=1 builds afresh. Then measures server
time through Django's test client (p50 over several runs) and prints one JSON
line per figure, with the target where the issue sets one.
"""

import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_REPORTS_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/lms_reports_bench",
)
EXPORT_ROOT = tempfile.mkdtemp(prefix="lms-bench-reports-")
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    PRIVATE_MEDIA_ROOT=EXPORT_ROOT,
    DB_CONN_MAX_AGE="600",
    CELERY_BROKER_URL="",  # the export is timed in this process
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

MARKER = "bench-reports-v3"  # the programme code of a finished build
SCHOOLS, BIG_SCHOOL, TEACHERS = 100, 1000, 20_000
COURSES, LESSONS = 60, 5
HOSTS, MENTORS_PER_HOST = 5, 10
RUNS = 15
TARGETS = {"principal_dashboard": 300, "office_overview": 500, "xlsx_export": 15}


def prepare_database(rebuild: bool) -> bool:
    """Create the database if missing (or afresh when rebuilding); returns
    whether a finished build is there to reuse."""
    import psycopg
    from pgdb import create_database_if_missing

    if not rebuild:
        try:
            with psycopg.connect(DATABASE_URL) as bench:
                if bench.execute(
                    "SELECT 1 FROM courses_programme WHERE code = %s", [MARKER]
                ).fetchone():
                    return True
        except psycopg.Error:
            pass  # missing or not migrated yet
    create_database_if_missing(DATABASE_URL, drop=True)
    return False


def emit(name, value, unit, **extra):
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


# Build -----------------------------------------------------------------------------


def copy_rows(model, fields, rows) -> int:
    """COPY rows (tuples in the order of `fields`) into the model's table."""
    from django.db import connection

    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def build():
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        world = build_catalog()
        world.update(build_people())
        build_learning(world)
        build_placements(world)
        from courses.models import Programme

        Programme.objects.filter(pk=world["programme"].pk).update(code=MARKER)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Group.objects.filter(name="principal").exists()


def build_catalog() -> dict:
    from cms.models import HomePage
    from courses.models import (
        CourseCategory,
        CourseIndexPage,
        CoursePage,
        LessonPage,
        Programme,
        Track,
        TrackCourse,
    )

    home = HomePage.objects.get(depth=2)
    catalog = home.add_child(
        instance=CourseIndexPage(title="基准课程目录", slug="bench-reports")
    )
    category = CourseCategory.objects.create(code="bench-reports", name="基准测试")
    courses, lessons = [], {}
    for c in range(COURSES):
        course = catalog.add_child(
            instance=CoursePage(
                title=f"模块{c + 1:02d}·乡村教师专业发展", slug=f"m{c}",
                code=f"BR-{c:03d}", summary="基准", category=category,
                credit_hours=Decimal(4), estimated_hours=Decimal(4),
            )
        )  # fmt: skip
        courses.append(course)
        lessons[course.pk] = [
            course.add_child(instance=LessonPage(title=f"课时{n + 1}", slug=f"l{n}")).pk
            for n in range(LESSONS)
        ]
    programme = Programme.objects.create(
        code="bench-reports-building", name="基准项目",
        starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2027, 12, 31),
    )  # fmt: skip
    # (name, required course numbers, elective course numbers, days needed)
    plans = [
        ("全员培训", range(0, 10), range(10, 20), 0),
        ("种子教师研修", range(20, 26), range(26, 32), 5),
        ("校长研修", range(32, 36), range(36, 40), 5),
    ]
    tracks = []
    for n, (name, required, electives, days) in enumerate(plans):
        track = Track.objects.create(
            programme=programme, code=f"bench-{n}", name=name,
            min_elective_hours=Decimal(8), min_placement_days=days,
            opens_on=datetime.date(2025, 9, 1), closes_on=datetime.date(2027, 6, 30),
        )  # fmt: skip
        TrackCourse.objects.bulk_create(
            [
                TrackCourse(
                    track=track, course=courses[i], is_required=True, sort_order=i
                )
                for i in required
            ]
            + [
                TrackCourse(
                    track=track, course=courses[i], is_required=False, sort_order=i
                )
                for i in electives
            ]
        )
        tracks.append(
            (track, [courses[i] for i in required], [courses[i] for i in electives])
        )
    return {
        "programme": programme,
        "courses": courses,
        "lessons": lessons,
        "tracks": tracks,
    }


def build_people() -> dict:
    from django.contrib.auth.models import Group

    from people.models import Profile, Role, School, User

    kinds = ["junior_middle", "central_primary", "village_primary", "teaching_point"]
    schools = School.objects.bulk_create(
        [
            School(
                code=f"bench-{n:03d}",
                name=f"基准学校{n:03d}",
                kind=kinds[n % 4],
                county="美姑县",
                is_key_school=n < 2,
            )  # fmt: skip
            for n in range(SCHOOLS)
        ]
    )
    hosts = School.objects.bulk_create(
        [
            School(code=f"bench-host-{n}", name=f"基地学校{n}", kind="host")
            for n in range(HOSTS)
        ]
    )
    family = ["吉克", "阿苦", "沙马", "曲比", "海来", "马海", "俄木", "阿西"]
    given = ["阿呷", "伍各", "拉哈", "木呷", "子洛", "日火", "阿依", "莫色", "ꀊꁨ"]
    people = []
    for n in range(TEACHERS):
        school = schools[0] if n < BIG_SCHOOL else schools[1 + n % (SCHOOLS - 1)]
        people.append((f"bt{n:05d}", family[n % 8] + given[n % 9], school, n))
    users = User.objects.bulk_create(
        [User(username=u, name=name, password="!") for u, name, _s, _n in people],
        batch_size=5000,
    )
    subjects = [s for s, _label in Profile.Subject.choices]
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                role=Role.TEACHER,
                school=school,
                subject=subjects[n % len(subjects)],
                is_seed_teacher=n % 5 == 0,
            )  # fmt: skip
            for user, (_u, _name, school, n) in zip(users, people, strict=True)
        ],
        batch_size=5000,
    )
    teacher_group = Group.objects.get(name=Role.TEACHER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user=u, group=teacher_group) for u in users],
        batch_size=5000,
    )
    principals = [
        _account(f"bp{n:03d}", f"校长{n:03d}", Role.PRINCIPAL, school)
        for n, school in enumerate(schools)
    ]
    mentors = [
        _account(f"bm{h}-{m}", f"指导教师{h}-{m}", Role.MENTOR, host)
        for h, host in enumerate(hosts)
        for m in range(MENTORS_PER_HOST)
    ]
    office = _account("boffice", "项目办", Role.OFFICE, None)
    teachers = [
        (user, school, n)
        for user, (_u, _name, school, n) in zip(users, people, strict=True)
    ]
    return {
        "schools": schools, "hosts": hosts, "teachers": teachers,
        "principals": principals, "mentors": mentors, "office": office,
    }  # fmt: skip


def _account(username, name, role, school):
    from django.contrib.auth.models import Group

    from people.models import Profile, User

    user = User.objects.create(username=username, name=name, password="!")
    Profile.objects.create(user=user, role=role, school=school)
    user.groups.add(Group.objects.get(name=role))
    return user


def build_learning(world) -> None:
    """Each teacher in the all-teachers track (seed teachers also in the seed
    track): required courses and seven electives, each completed (80%), in
    progress (12%) or not started; completion rows and ledger to match."""
    from courses.models import (
        CourseCompletion,
        Enrolment,
        HoursEntry,
        LessonProgress,
        TrackCompletion,
        TrackEnrolment,
        TrackRequirementProgress,
    )

    rng = random.Random(2020)
    now = datetime.datetime.now(datetime.UTC)
    start = datetime.datetime(2025, 9, 15, tzinfo=datetime.UTC)
    enrolments, completions, progress, ledger = [], [], [], []
    track_rows, track_enrolments, requirement_rows = [], [], []
    lessons = world["lessons"]
    for user, _school, n in world["teachers"]:
        mine = [world["tracks"][0]] + ([world["tracks"][1]] if n % 5 == 0 else [])
        # A teacher's pace: some race ahead, some have not begun.
        pace = rng.random()
        for track, required, electives in mine:
            chosen = required + rng.sample(electives, min(7, len(electives)))
            done_hours = Decimal(0)
            required_done = 0
            started = False
            for course in chosen:
                roll = rng.random() * (0.6 + pace)
                state = (
                    "completed"
                    if roll > 0.35
                    else "in_progress"
                    if roll > 0.2
                    else None
                )
                enrolments.append((user.pk, course.pk, "active", "track", now))
                when = start + datetime.timedelta(days=rng.randint(0, 420), minutes=n)
                if state == "completed":
                    count = LESSONS
                    done_hours += course.credit_hours
                    required_done += course in required
                    ledger.append(
                        (user.pk, course.credit_hours, "course", course.pk,
                         course.title, when.date(), now)
                    )  # fmt: skip
                else:
                    count = rng.randint(1, LESSONS - 1) if state else 0
                started |= count > 0
                for lesson in lessons[course.pk][:count]:
                    progress.append(
                        (user.pk, lesson, course.pk, "completed", when, when)
                    )
                completions.append(
                    (user.pk, course.pk, state or "not_started",
                     when if state == "completed" else None, now, count, LESSONS,
                     Decimal(60 + rng.randint(0, 40)) if state == "completed" else None)
                )  # fmt: skip
            required_hours = sum((c.credit_hours for c in required), Decimal(0))
            elective_hours = done_hours - required_done * Decimal(4)
            days = 5 if track.min_placement_days and rng.random() < 0.7 else 0
            finished = (
                required_done == len(required)
                and elective_hours >= track.min_elective_hours
                and days >= track.min_placement_days
            )
            status = (
                "completed" if finished else "in_progress" if started else "not_started"
            )
            track_enrolments.append((user.pk, track.pk, "office", now))
            track_rows.append(
                (user.pk, track.pk, status, now if finished else None, now,
                 required_done, len(required), required_hours, elective_hours,
                 track.min_elective_hours, days, track.min_placement_days,
                 done_hours, required_hours + track.min_elective_hours)
            )  # fmt: skip
            requirement_rows.extend(
                (user.pk, track.pk, kind, done, needed, now)
                for kind, done, needed in (
                    ("required_courses", required_done, len(required)),
                    ("elective_hours", elective_hours, track.min_elective_hours),
                    ("placement_days", days, track.min_placement_days),
                )
            )
    copy_rows(
        TrackEnrolment, ["user", "track", "source", "enrolled_at"], track_enrolments
    )
    copy_rows(
        TrackRequirementProgress,
        ["user", "track", "kind", "done", "needed", "updated_at"],
        requirement_rows,
    )
    copy_rows(
        TrackCompletion,
        ["user", "track", "status", "completed_at", "updated_at", "required_completed",
         "required_total", "required_hours", "elective_hours", "elective_hours_needed",
         "placement_days", "placement_days_needed", "hours_earned", "hours_needed"],
        track_rows,
    )  # fmt: skip
    copy_rows(
        Enrolment, ["user", "course", "status", "source", "enrolled_at"], enrolments
    )
    copy_rows(
        CourseCompletion,
        ["user", "course", "status", "completed_at", "updated_at",
         "lessons_completed", "lessons_total", "score"],
        completions,
    )  # fmt: skip
    world["progress_rows"] = copy_rows(
        LessonProgress,
        ["user", "lesson", "course", "status", "started_at", "completed_at"],
        progress,
    )
    copy_rows(
        HoursEntry,
        ["user", "hours", "source", "course", "description", "earned_on", "created_at"],
        ledger,
    )
    build_certificates(world, track_rows)


def build_certificates(world, track_rows) -> None:
    import secrets

    from certificates.models import Certificate, CertificateTemplate

    template = CertificateTemplate.objects.create(
        name="基准模板", body="{holder_name}", issuer_name="乐山师范学院"
    )
    tracks = {t.pk: t for t, _r, _e in world["tracks"]}
    today = datetime.date(2026, 6, 30)
    now = datetime.datetime.now(datetime.UTC)
    rows = [
        (f"BR-2026-{n:06d}", secrets.token_urlsafe(16), row[0], f"教师{row[0]}",
         "基准学校", row[1], tracks[row[1]].name, row[12], today, template.pk,
         "issued", "", now, now, "", "", "")
        for n, row in enumerate(r for r in track_rows if r[2] == "completed")
    ]  # fmt: skip
    world["certificates"] = copy_rows(
        Certificate,
        ["serial", "verification_code", "holder", "holder_name", "holder_school",
         "track", "subject", "hours", "issued_on", "template", "status", "pdf",
         "created_at", "updated_at", "override_reason", "revocation_reason",
         "pdf_sha256"],
        rows,
    )  # fmt: skip


def build_placements(world) -> None:
    from placements.models import Placement, PlacementRound

    rounds = [
        PlacementRound.objects.create(
            programme=world["programme"],
            name=f"基准跟岗{n + 1}",
            starts_on=datetime.date(2026, 4, 13 + 7 * n),
            ends_on=datetime.date(2026, 4, 17 + 7 * n),
        )  # fmt: skip
        for n in range(2)
    ]
    now = datetime.datetime.now(datetime.UTC)
    seeds = [(u, n) for u, _s, n in world["teachers"] if n % 5 == 0]
    rows = []
    for i, (user, n) in enumerate(seeds):
        round_ = rounds[i % 2]
        host = world["hosts"][i % HOSTS]
        mentor = world["mentors"][(i % HOSTS) * MENTORS_PER_HOST + i % MENTORS_PER_HOST]
        approved = n % 10 != 5
        rows.append(
            (round_.pk, user.pk, host.pk, mentor.pk, "teaching", round_.starts_on,
             round_.ends_on, "approved" if approved else "confirmed", "", "", "",
             5 if approved else 0, now, now)
        )  # fmt: skip
    copy_rows(
        Placement,
        ["round", "participant", "host_school", "mentor", "focus", "starts_on",
         "ends_on", "status", "report", "evaluation", "rating", "approved_days",
         "created_at", "updated_at"],
        rows,
    )  # fmt: skip


# Measure ---------------------------------------------------------------------------


def measure(client, url, params=None, runs=RUNS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm caches and templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(times), max(times), len(queries)


def _with_two_factor(user) -> None:
    """Office staff use the site only with two-factor authentication set up."""
    from people.mfa import has_totp, totp_set_secret

    if not has_totp(user):
        totp_set_secret(user=user, secret="BENCHBENCHBENCHBENCHBENCHBENCH22")


def main():
    rebuild = os.environ.get("BENCH_REBUILD") == "1"
    reuse = prepare_database(rebuild)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from courses.models import LessonProgress, Track
    from people.models import User

    if reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the code may be newer than the data
        emit("reports_build", 0, "s", reused=True)
    else:
        started = time.perf_counter()
        build()
        emit(
            "reports_build", round(time.perf_counter() - started, 1), "s", reused=False
        )
    emit("lesson_progress_rows", LessonProgress.objects.count(), "rows")
    extra = {"db": connection.vendor}
    client = Client(HTTP_HOST="localhost")

    principal = User.objects.get(username="bp000")
    client.force_login(principal)
    p50, worst, queries = measure(client, "/reports/school/")
    emit("principal_dashboard_p50_ms", round(p50, 1), "ms",
         target=TARGETS["principal_dashboard"], max_ms=round(worst, 1),
         queries=queries, teachers_in_school=BIG_SCHOOL, **extra)  # fmt: skip
    p50, worst, queries = measure(
        client, "/reports/school/", {"behind": "on", "sort": "progress"}
    )
    emit("principal_dashboard_filtered_p50_ms", round(p50, 1), "ms",
         target=TARGETS["principal_dashboard"], max_ms=round(worst, 1),
         queries=queries, **extra)  # fmt: skip

    office = User.objects.get(username="boffice")
    _with_two_factor(office)
    client.force_login(office)
    p50, worst, queries = measure(client, "/reports/office/", runs=10)
    emit("office_overview_p50_ms", round(p50, 1), "ms",
         target=TARGETS["office_overview"], max_ms=round(worst, 1),
         queries=queries, schools=SCHOOLS, teachers=TEACHERS, **extra)  # fmt: skip

    measure_export(office, Track.objects.get(code="bench-0"), extra)


def measure_export(office, track, extra):
    from reports.models import ExportJob
    from reports.services import export_job_run
    from reports.tables import build_table, clean_params

    params = clean_params("matrix", {"track": str(track.pk)})
    started = time.perf_counter()
    table = build_table("matrix", params, office)
    job = ExportJob.objects.create(
        requested_by=office, table="matrix", fmt="xlsx", params=params,
        fingerprint=f"bench-{time.time()}", title=table.title, total_rows=table.count,
    )  # fmt: skip
    job = export_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    size = Path(job.file.path).stat().st_size
    emit("xlsx_export_s", round(elapsed, 2), "s", target=TARGETS["xlsx_export"],
         rows=job.rows_written, columns=len(table.sheets[0][1]),
         size_mb=round(size / 1e6, 1), status=job.status, **extra)  # fmt: skip
    job.delete()


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(EXPORT_ROOT, ignore_errors=True)
