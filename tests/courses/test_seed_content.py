import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from courses.models import (
    CourseCategory,
    CourseCompletion,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Programme,
    Reflection,
    Track,
    TrackCompletion,
    TrackCourse,
    TrackEnrolment,
)
from courses.models.learning import CompletionStatus

pytestmark = pytest.mark.django_db

PROGRAMME_MODULES = ["HX-ETH-01", "HX-SKL-01", "HX-LBC-01", "HX-ICT-01"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SNAPSHOT_MODELS = [
    Page,
    Revision,
    CourseCategory,
    Programme,
    Track,
    TrackCourse,
    TrackEnrolment,
    Enrolment,
    LessonProgress,
    Reflection,
    CourseCompletion,
    TrackCompletion,
    HoursEntry,
]


@pytest.fixture
def seeded(demo_programme, db):
    """The demo programme, seeded once for this module."""


def _snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in SNAPSHOT_MODELS
    }


def test_seed_demo_twice_changes_no_course_rows_pages_or_revisions(seeded):
    before = _snapshot()
    call_command("seed_demo")
    # Whole rows, timestamps included: a second run must not even re-save.
    assert _snapshot() == before
    assert before["Revision"], "the first run publishes revisions"


def test_seed_demo_creates_programme_modules_with_chinese_lessons(seeded):
    for code in PROGRAMME_MODULES:
        course = CoursePage.objects.live().get(code=code)
        lessons = LessonPage.objects.live().child_of(course).specific()
        assert len(lessons) >= 3, code
        for lesson in lessons:
            if lesson.activity_blocks:  # the closing quiz lesson is short
                continue
            text = "".join(
                b.value.source for b in lesson.body if b.block_type == "paragraph"
            )
            assert len(CHINESE.findall(text)) >= 150, lesson.title
        # Some lessons complete by an accepted reflection, the rest by hand.
        assert any(lesson.completes_by_reflection for lesson in lessons), code
        assert not all(lesson.completes_by_reflection for lesson in lessons), code
    quizzes = LessonPage.objects.live().filter(slug="quiz").specific()
    assert len(quizzes) == 3
    assert all(q.activity_blocks for q in quizzes)
    elective = CoursePage.objects.get(code="HX-SBR-01")
    assert elective.kind == CoursePage.Kind.ELECTIVE
    assert list(elective.prerequisites.values_list("code", flat=True)) == ["HX-SKL-01"]


def test_seed_demo_creates_tracks_with_required_courses_and_cohorts(seeded):
    expected = {
        "seed-2020": (
            {"HX-ETH-01", "HX-SKL-01", "HX-LBC-01"},
            {"seed", "teacher.yi", "t.hx01", "t.hx05"},
        ),
        "principals-2020": (
            {"HX-ETH-01", "HX-LBC-01"},
            {"principal.hongxi", "principal.yiguojue"},
        ),
    }
    for code, (required, members) in expected.items():
        track = Track.objects.select_related("programme").get(code=code)
        courses = track.track_courses.values_list("course__code", "is_required")
        assert {c for c, is_required in courses if is_required} == required
        assert any(not is_required for _c, is_required in courses), code
        assert set(track.enrolments.values_list("user__username", flat=True)) == (
            members
        )
        assert track.min_placement_days == 5
        programme = track.programme
        assert programme.code == "lsnu-hongxi-2020"
        assert programme.starts_on <= track.opens_on <= track.closes_on
        assert track.closes_on <= programme.ends_on


def test_seed_teacher_has_completed_course_with_hours_and_track_in_progress(seeded):
    ethics = CourseCompletion.objects.get(
        user__username="seed", course__code="HX-ETH-01"
    )
    assert ethics.status == CompletionStatus.COMPLETED
    assert HoursEntry.objects.filter(
        user__username="seed", course__code="HX-ETH-01", source="course"
    ).exists()
    track = TrackCompletion.objects.get(user__username="seed", track__code="seed-2020")
    assert track.status == CompletionStatus.IN_PROGRESS
    assert track.required_completed == 1
    assert Reflection.objects.filter(
        user__username="seed", status=Reflection.Status.ACCEPTED
    ).exists()


def test_seeded_progress_varies_between_demo_teachers(seeded):
    completed = CourseCompletion.objects.filter(status=CompletionStatus.COMPLETED)
    assert completed.filter(user__username="t.hx01").count() == 2
    assert not completed.filter(user__username="teacher").exists()
    assert set(
        Enrolment.objects.filter(user__username="teacher").values_list(
            "source", flat=True
        )
    ) == {"self"}
    # Trainers see one reflection waiting and one returned with comments.
    assert Reflection.objects.filter(status=Reflection.Status.SUBMITTED).count() == 1
    returned = Reflection.objects.get(status=Reflection.Status.RETURNED)
    assert returned.feedback
