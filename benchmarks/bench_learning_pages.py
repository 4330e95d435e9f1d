"""Server time and query counts of the learner pages on a mid-sized catalog.

Builds, in a scratch database (SQLite file unless BENCH_DATABASE_URL is set),
40 courses of 6 lessons, one track of 8 required courses and 600 teachers with
varied progress, then times the catalog, a course page, a lesson page and
"My learning" through Django's test client. Prints one JSON line per figure.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.gettempdir()) / "lms-bench-learning.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{SCRATCH}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

COURSES, LESSONS, TEACHERS, REQUIRED, RUNS = 40, 6, 600, 8, 30


def build():
    from cms.models import HomePage
    from courses.models import (
        CourseCategory,
        CourseCompletion,
        CourseIndexPage,
        CoursePage,
        Enrolment,
        LessonPage,
        LessonProgress,
        Programme,
        Track,
        TrackCourse,
    )
    from courses.services import track_enrol
    from people.models import Profile, Role, School, User

    if SCRATCH.exists() and "BENCH_DATABASE_URL" not in os.environ:
        SCRATCH.unlink()
    call_command("migrate", verbosity=0)
    home = HomePage.objects.get(depth=2)
    catalog = home.add_child(instance=CourseIndexPage(title="课程目录", slug="courses"))
    category = CourseCategory.objects.create(code="bench", name="基准测试")
    courses, lessons = [], {}
    for c in range(COURSES):
        course = catalog.add_child(
            instance=CoursePage(
                title=f"课程{c}", slug=f"c{c}", code=f"B-{c:03d}", summary="基准",
                category=category, credit_hours=Decimal(4), estimated_hours=4,
            )
        )  # fmt: skip
        courses.append(course)
        lessons[course.pk] = [
            course.add_child(
                instance=LessonPage(
                    title=f"课时{c}-{n}",
                    slug=f"l{n}",
                    body=[{"type": "paragraph", "value": "<p>正文</p>" * 20}],
                )
            )  # fmt: skip
            for n in range(LESSONS)
        ]
    programme = Programme.objects.create(
        code="bench", name="基准", starts_on="2020-06-01", ends_on="2022-03-31"
    )
    track = Track.objects.create(
        programme=programme, code="bench", name="基准方案",
        opens_on="2020-09-01", closes_on="2022-03-31",
    )  # fmt: skip
    for course in courses[:REQUIRED]:
        TrackCourse.objects.create(track=track, course=course, is_required=True)
    school = School.objects.create(
        code="bench", name="基准学校", kind="village_primary"
    )
    users = User.objects.bulk_create(
        [User(username=f"b{n}", name=f"教师{n}") for n in range(TEACHERS)]
    )
    Profile.objects.bulk_create(
        [Profile(user=u, role=Role.TEACHER, school=school) for u in users]
    )
    track_enrol(track=track, users=users)
    rng = random.Random(7)
    now = timezone.now()
    progress, extra = [], []
    for user in users:
        for course in rng.sample(courses, 12):
            extra.append(Enrolment(user=user, course=course, source="self"))
            for lesson in lessons[course.pk][: rng.randint(0, LESSONS)]:
                progress.append(
                    LessonProgress(
                        user=user, lesson=lesson, course=course,
                        status="completed", completed_at=now,
                    )
                )  # fmt: skip
    Enrolment.objects.bulk_create(extra, ignore_conflicts=True)
    LessonProgress.objects.bulk_create(progress, ignore_conflicts=True, batch_size=2000)
    CourseCompletion.objects.bulk_create(
        [CourseCompletion(user=e.user, course=e.course) for e in extra],
        ignore_conflicts=True,
    )
    return users[0], catalog, courses[0], lessons[courses[0].pk][2], len(progress)


def measure(client, url):
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), sorted(times)[int(RUNS * 0.95) - 1], len(queries)


def main():
    teacher, catalog, course, lesson, progress_rows = build()
    client = Client(HTTP_HOST="localhost")
    client.force_login(teacher)
    vendor = connection.vendor
    print(
        json.dumps(
            {
                "name": "learning_pages_lesson_progress_rows",
                "value": progress_rows,
                "unit": "rows",
            }
        )
    )  # noqa: E501
    for name, url in [
        ("catalog", catalog.url),
        ("course_page", course.url),
        ("lesson_page", lesson.url),
        ("my_learning", "/learn/"),
    ]:
        p50, p95, queries = measure(client, url)
        for figure, value, unit in [
            ("p50", p50, "ms"),
            ("p95", p95, "ms"),
            ("queries", queries, "queries"),
        ]:  # noqa: E501
            print(
                json.dumps(
                    {
                        "name": f"{name}_{figure}",
                        "value": round(value, 1),
                        "unit": unit,
                        "db": vendor,
                    }
                )
            )  # noqa: E501


if __name__ == "__main__":
    main()
