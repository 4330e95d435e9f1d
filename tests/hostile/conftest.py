"""Fixtures for the hostile-input tests: the courses tests' page tree, an H5P
activity lesson, and a modest hypothesis profile (CI runs every property with
50 examples, without deadlines: the machine is shared and slow at times)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings

from courses import services
from courses.models import CoursePage, H5PPackage, LessonPage

settings.register_profile(
    "lms",
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree or CI checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("lms")


ACTIVITY_ID = "quiz-1"
PASS_MARK = 60


@pytest.fixture
def quiz_lesson(catalog, category):
    """A live course (3 credit hours) whose only lesson is one H5P activity
    with a pass mark of 60%."""
    package = H5PPackage.objects.create(
        title="测验", file="h5p/packages/quiz.h5p", status="ready"
    )
    course = catalog.add_child(
        instance=CoursePage(
            title="互动课程", slug="quiz-course", code="QUIZ", summary="简介",
            category=category, credit_hours=Decimal("3.0"),
            estimated_hours=Decimal("1.0"),
        )
    )  # fmt: skip
    lesson = course.add_child(
        instance=LessonPage(
            title="练习",
            slug="practice",
            body=[
                {
                    "type": "h5p",
                    "id": ACTIVITY_ID,
                    "value": {"title": "小测验", "package": package.pk,
                              "pass_mark": PASS_MARK},
                }
            ],
        )
    )  # fmt: skip
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def enrolled_quiz(teacher, quiz_lesson):
    services.enrolment_create(
        user=teacher, course=CoursePage.objects.parent_of(quiz_lesson).get()
    )
    return quiz_lesson
