"""Page-tree fixtures for the courses tests: a catalog under the home page,
courses with lessons, tracks, and a helper that finishes a course."""

import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cms.models import HomePage
from courses import services
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Reflection,
    TrackCourse,
)
from courses.models.learning import Source
from people.models import Role
from tests.factories import (
    CourseCategoryFactory,
    HoursEntryFactory,
    ProfileFactory,
    SchoolFactory,
    TrackFactory,
    UserFactory,
)

LESSON_TEXT = "本课时正文：如何关心留守儿童"
PROMPT_ID = "prompt-1"


@pytest.fixture
def home(db):
    return HomePage.objects.get(depth=2)


@pytest.fixture
def catalog(home):
    return home.add_child(instance=CourseIndexPage(title="课程目录", slug="courses"))


@pytest.fixture
def category(db):
    return CourseCategoryFactory(code="ethics", name="师德师风")


@pytest.fixture
def add_lesson():
    """add_lesson(course, reflection=False, min_chars=10, live=True) -> LessonPage.
    A reflection lesson holds one prompt with block id PROMPT_ID."""
    counter = itertools.count(1)

    def add(course, *, reflection=False, min_chars=10, live=True, title=None):
        n = next(counter)
        body = [{"type": "paragraph", "value": f"<p>{LESSON_TEXT} {n}</p>"}]
        if reflection:
            body.append(
                {
                    "type": "reflection",
                    "id": PROMPT_ID,
                    "value": {"prompt": "<p>写一写体会</p>", "min_chars": min_chars},
                }
            )
        lesson = course.add_child(
            instance=LessonPage(
                title=title or f"第{n}课", slug=f"lesson-{n}", body=body, live=live
            )
        )
        # Reload so the StreamField holds what the database holds (block ids).
        return LessonPage.objects.get(pk=lesson.pk)

    return add


@pytest.fixture
def course_with_lessons(catalog, category, add_lesson):
    """course_with_lessons(lessons=2, reflection_lessons=0, **page_fields) ->
    a live CoursePage whose lessons are in `course.lessons`, in course order;
    the last `reflection_lessons` of them carry a reflection prompt."""
    counter = itertools.count(1)

    def build(lessons=2, *, reflection_lessons=0, prerequisites=(), **fields):
        n = next(counter)
        fields.setdefault("title", f"课程{n}")
        fields.setdefault("credit_hours", Decimal("2.0"))
        course = catalog.add_child(
            instance=CoursePage(
                slug=f"course-{n}",
                code=f"C{n:03d}",
                summary="课程简介",
                category=fields.pop("category", category),
                estimated_hours=Decimal("3.0"),
                **fields,
            )
        )
        if prerequisites:
            course.prerequisites.set(prerequisites)
            course.save()
        course.lessons = [
            add_lesson(course, reflection=i >= lessons - reflection_lessons)
            for i in range(lessons)
        ]
        return course

    return build


@pytest.fixture
def make_track(db):
    """make_track(required=[...], electives=[...], **track_fields) -> Track."""

    def build(required=(), electives=(), **fields):
        track = TrackFactory(**fields)
        for order, course in enumerate([*required, *electives]):
            TrackCourse.objects.create(
                track=track,
                course=course,
                is_required=course in required,
                sort_order=order,
            )
        return track

    return build


@pytest.fixture
def complete_course():
    """complete_course(user, course): enrol (by the office) if needed and mark
    every lesson done, as a teacher working through it would."""

    def complete(user, course):
        services.enrolment_create(user=user, course=course, source=Source.OFFICE)
        for lesson in course.lessons:
            services.lesson_mark_complete(user=user, lesson=lesson)

    return complete


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
