"""Fixtures for the reports tests: the page-tree fixtures of the courses
tests, a small programme built through the services (so the numbers can be
checked against the records), and larger worlds written in bulk for query
budgets at two sizes."""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import CourseCompletion, Enrolment, TrackCompletion, TrackEnrolment
from courses.models.learning import CompletionStatus, Source
from people.models import Profile, Role
from placements.models import Placement, PlacementRound
from tests.factories import (
    CertificateFactory,
    ProfileFactory,
    SchoolFactory,
    UserFactory,
)

DONE, IN_PROGRESS = CompletionStatus.COMPLETED, CompletionStatus.IN_PROGRESS
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    """The private storage of this test, where exports go (under exports/)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def make_person(school, *, role=Role.TEACHER, name=None, **profile):
    user = UserFactory(**({"name": name} if name else {}))
    ProfileFactory(user=user, role=role, school=school, **profile)
    return user


@pytest.fixture
def programme(school, other_school, principal, course_with_lessons, make_track):
    """A track of two required courses and one elective (2 lessons, 2 hours
    each) for four teachers of `school` and one of `other_school`, with
    progress written through the course services:
    seed (ꀊꁨꃀꑭ): both required courses done; maths: one lesson of the
    first; fresh: nothing; other: everything (another school)."""
    courses = [
        course_with_lessons(2, title=title)
        for title in ("师德师风", "留守儿童心理辅导", "信息技术2.0")
    ]
    track = make_track(
        required=courses[:2],
        electives=courses[2:],
        name="种子教师研修",
        min_elective_hours=Decimal("2.0"),
        min_placement_days=3,
        opens_on=datetime.date(2020, 9, 1),
        closes_on=datetime.date(2030, 9, 1),
    )
    seed = make_person(school, name="ꀊꁨꃀꑭ", is_seed_teacher=True, subject="yi")
    maths = make_person(school, name="阿西莫色", subject="maths")
    fresh = make_person(school, name="刘芳", subject="arts")
    other = make_person(other_school, name="外校教师", subject="maths")
    people = [seed, maths, fresh, other]
    course_services.track_enrol(track=track, users=people)
    for course in courses[:2]:
        _complete(seed, course)
    course_services.lesson_mark_complete(user=maths, lesson=courses[0].lessons[0])
    for course in courses:
        _complete(other, course)
    return SimpleNamespace(
        track=track, courses=courses, seed=seed, maths=maths, fresh=fresh,
        other=other, school=school, other_school=other_school, principal=principal,
    )  # fmt: skip


def _complete(user, course):
    course_services.enrolment_create(user=user, course=course, source=Source.OFFICE)
    for lesson in course.lessons:
        course_services.lesson_mark_complete(user=user, lesson=lesson)


# Bulk worlds for query budgets ---------------------------------------------------

WORLD_SIZES = {"small": (3, 2), "large": (40, 6)}  # teachers per school, courses


@pytest.fixture(params=sorted(WORLD_SIZES))
def bulk_world(request, school, other_school, principal, course_with_lessons):
    """Teachers at `school` and `other_school` with track and course
    completion rows, certificates and placements, written in bulk; the same
    shape at two sizes."""
    teachers, n_courses = WORLD_SIZES[request.param]
    courses = [course_with_lessons(1) for _ in range(n_courses)]
    from courses.models import Track, TrackCourse
    from tests.factories import TrackFactory

    track = TrackFactory(
        opens_on=datetime.date(2020, 9, 1), closes_on=datetime.date(2030, 9, 1)
    )
    TrackCourse.objects.bulk_create(
        TrackCourse(track=track, course=c, is_required=n % 3 != 2, sort_order=n)
        for n, c in enumerate(courses)
    )
    people = []
    for school_ in (school, other_school):
        for n in range(teachers):
            people.append(
                make_person(
                    school_,
                    is_seed_teacher=n % 4 == 0,
                    subject=["maths", "chinese", "yi"][n % 3],
                )
            )
    write_rows(track, courses, people)
    return SimpleNamespace(
        size=request.param, track=Track.objects.get(pk=track.pk), courses=courses,
        people=people, school=school, other_school=other_school,
    )  # fmt: skip


def write_rows(track, courses, people):
    """Completion rows, certificates and placements for `people` in bulk."""
    now = timezone.now()
    TrackEnrolment.objects.bulk_create(
        TrackEnrolment(user=u, track=track, source=Source.OFFICE) for u in people
    )
    Enrolment.objects.bulk_create(
        Enrolment(user=u, course=c, source=Source.TRACK)
        for u in people
        for c in courses
    )
    statuses = [DONE, IN_PROGRESS, CompletionStatus.NOT_STARTED]
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            user=u,
            course=c,
            status=statuses[(i + j) % 3],
            lessons_total=1,
            lessons_completed=1 if statuses[(i + j) % 3] == DONE else 0,
            completed_at=now if statuses[(i + j) % 3] == DONE else None,
            score=Decimal(80 + j) if statuses[(i + j) % 3] == DONE else None,
        )  # fmt: skip
        for i, u in enumerate(people)
        for j, c in enumerate(courses)
    )
    TrackCompletion.objects.bulk_create(
        TrackCompletion(
            user=u,
            track=track,
            status=statuses[i % 3],
            hours_needed=Decimal(12),
            hours_earned=Decimal(i % 13),
            placement_days=i % 4,
            placement_days_needed=3,
        )  # fmt: skip
        for i, u in enumerate(people)
    )
    for u in people[::3]:
        CertificateFactory(holder=u, track=track)
    host = SchoolFactory(kind="host")
    mentor = make_person(host, role=Role.MENTOR)
    placement_round = PlacementRound.objects.create(
        programme=track.programme, name=f"跟岗{next(_numbers)}",
        starts_on=datetime.date(2020, 10, 26), ends_on=datetime.date(2020, 10, 30),
    )  # fmt: skip
    Placement.objects.bulk_create(
        Placement(
            round=placement_round,
            participant=u,
            host_school=host,
            mentor=mentor,
            focus="teaching",
            starts_on=placement_round.starts_on,
            ends_on=placement_round.ends_on,
            status="approved" if n % 2 else "planned",
            approved_days=5 if n % 2 else 0,
        )  # fmt: skip
        for n, u in enumerate(people[::2])
    )


__all__ = ["Profile"]
