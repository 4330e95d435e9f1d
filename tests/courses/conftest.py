"""Fixtures for the courses tests: the teacher's learning at two sizes for
query budgets. The page-tree fixtures are shared (tests/fixtures/pages.py)."""

from types import SimpleNamespace

import pytest

from courses import services
from courses.models import Enrolment, LessonProgress, Reflection
from courses.models.learning import Source
from people.models import Role
from tests.factories import (
    HoursEntryFactory,
    ProfileFactory,
    SchoolFactory,
    UserFactory,
)
from tests.fixtures.pages import PROMPT_ID

# Sizes for query-budget tests: (courses, lessons per course, other learners).
WORLD_SIZES = {"small": (2, 2, 1), "large": (8, 6, 12)}


@pytest.fixture(params=sorted(WORLD_SIZES))
def learning_world(
    request, teacher, course_with_lessons, make_track, complete_course, add_lesson
):
    """The teacher's learning at two sizes, for query-count tests that must not
    change with the number of rows. The last course, `focus`, requires all the
    others (completed, each writing a HoursEntry), sits in the teacher's track,
    has one lesson done and a reflection waiting for review in its last lesson.
    Other learners are enrolled in every course; the ledger has adjustments."""
    n_courses, n_lessons, n_others = WORLD_SIZES[request.param]
    courses = [course_with_lessons(n_lessons) for _ in range(n_courses - 1)]
    for course in courses:
        complete_course(teacher, course)
    focus = course_with_lessons(n_lessons - 1, prerequisites=courses)
    focus.lessons.append(add_lesson(focus, reflection=True))
    everything = [*courses, focus]
    tracks = [make_track(required=everything[::2], electives=everything[1::2])]
    if request.param == "large":
        tracks.append(make_track(required=[focus, *courses[:3]]))
    for track in tracks:
        services.track_enrol(track=track, users=[teacher])
    services.enrolment_create(user=teacher, course=focus, source=Source.OFFICE)
    services.lesson_mark_complete(user=teacher, lesson=focus.lessons[0])
    services.reflection_submit(
        user=teacher,
        lesson=focus.lessons[-1],
        block_id=PROMPT_ID,
        text="我会每周和留守儿童谈一次心，记录他们的变化。",
    )
    _other_learners(n_others, everything, focus)
    HoursEntryFactory.create_batch(n_others, user=teacher)
    return SimpleNamespace(
        size=request.param, courses=everything, focus=focus, tracks=tracks
    )


def _other_learners(count, courses, focus):
    """Learners enrolled in every course, through the focus course's lessons,
    with reflections waiting in its last lesson."""
    others = []
    for _ in range(count):
        others.append(UserFactory())
        ProfileFactory(user=others[-1], role=Role.TEACHER, school=SchoolFactory())
    Enrolment.objects.bulk_create(
        Enrolment(user=u, course=c, source=Source.OFFICE)
        for u in others
        for c in courses
    )
    LessonProgress.objects.bulk_create(
        LessonProgress(user=u, lesson=lesson, course=focus, status="completed")
        for u in others
        for lesson in focus.lessons
    )
    Reflection.objects.bulk_create(
        Reflection(user=u, lesson=focus.lessons[-1], block_id=PROMPT_ID, text="…")
        for u in others
    )
