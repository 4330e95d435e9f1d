"""The same learning event arriving several times must leave one row of each
kind. Marked tests race real threads against PostgreSQL (SQLite serialises
writers, so a race there proves nothing); the others check that repeating an
event one after another is harmless, on any database."""

import pytest

from courses import services
from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonPage,
    LessonProgress,
)
from courses.models.learning import Source
from people.models import User
from tests.helpers import at_once

THREADS = 6


def _at_once(event, times=THREADS):
    at_once(event, times)


def _enrol_without_completion_row(user, course):
    # As a bulk enrolment leaves it: no CourseCompletion yet, so the racing
    # threads also race to create that row.
    Enrolment.objects.create(user=user, course=course, source=Source.OFFICE)


def _counts(user):
    return (
        LessonProgress.objects.filter(user=user).count(),
        CourseCompletion.objects.filter(user=user).count(),
        HoursEntry.objects.filter(user=user).count(),
    )


def _mark(user_id, lesson_id):
    services.lesson_mark_complete(
        user=User.objects.get(pk=user_id), lesson=LessonPage.objects.get(pk=lesson_id)
    )


def _recompute(user_id, course_id):
    services.course_completion_recompute(
        user=User.objects.get(pk=user_id), course=CoursePage.objects.get(pk=course_id)
    )


def _enrol(user_id, course_id):
    services.enrolment_create(
        user=User.objects.get(pk=user_id), course=CoursePage.objects.get(pk=course_id)
    )


# Threads need committed data, so these tests are transactional; serialized
# rollback restores the migrations' data (home page, role groups) that the flush
# after a transactional test would otherwise remove for the tests that follow.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_mark_complete_writes_one_row_of_each(teacher, course_with_lessons):
    course = course_with_lessons(1)
    _enrol_without_completion_row(teacher, course)

    _at_once(lambda _i: _mark(teacher.pk, course.lessons[0].pk))

    assert _counts(teacher) == (1, 1, 1)
    assert CourseCompletion.objects.get(user=teacher).status == "completed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_recompute_writes_one_completion_and_one_hours_entry(
    teacher, course_with_lessons
):
    course = course_with_lessons(2)
    _enrol_without_completion_row(teacher, course)
    for lesson in course.lessons:
        LessonProgress.objects.create(
            user=teacher, lesson=lesson, course=course, status="completed"
        )

    _at_once(lambda _i: _recompute(teacher.pk, course.pk))

    assert _counts(teacher) == (2, 1, 1)
    assert CourseCompletion.objects.get(user=teacher).status == "completed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_completion_of_different_lessons_completes_the_course(
    teacher, course_with_lessons
):
    # Each thread finishes a different lesson; whichever recomputes last must
    # see every lesson done, so the course completes exactly once.
    course = course_with_lessons(THREADS)
    _enrol_without_completion_row(teacher, course)

    _at_once(lambda i: _mark(teacher.pk, course.lessons[i].pk))

    assert _counts(teacher) == (THREADS, 1, 1)
    completion = CourseCompletion.objects.get(user=teacher)
    assert (completion.status, completion.lessons_completed) == ("completed", THREADS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_enrolment_writes_one_enrolment(teacher, course_with_lessons):
    course = course_with_lessons(1)

    _at_once(lambda _i: _enrol(teacher.pk, course.pk))

    assert Enrolment.objects.filter(user=teacher, course=course).count() == 1
    assert CourseCompletion.objects.filter(user=teacher, course=course).count() == 1


# The same events repeated one after another, on any database ----------------


def test_marking_complete_twice_writes_one_row_of_each(teacher, course_with_lessons):
    course = course_with_lessons(1)
    _enrol_without_completion_row(teacher, course)

    _mark(teacher.pk, course.lessons[0].pk)
    _mark(teacher.pk, course.lessons[0].pk)

    assert _counts(teacher) == (1, 1, 1)


def test_recomputing_twice_writes_one_completion_and_one_hours_entry(
    teacher, course_with_lessons
):
    course = course_with_lessons(1)
    _enrol_without_completion_row(teacher, course)
    LessonProgress.objects.create(
        user=teacher, lesson=course.lessons[0], course=course, status="completed"
    )

    _recompute(teacher.pk, course.pk)
    _recompute(teacher.pk, course.pk)

    assert _counts(teacher) == (1, 1, 1)


def test_enrolling_twice_writes_one_enrolment(teacher, course_with_lessons):
    course = course_with_lessons(1)

    _enrol(teacher.pk, course.pk)
    _enrol(teacher.pk, course.pk)

    assert Enrolment.objects.filter(user=teacher).count() == 1
    assert CourseCompletion.objects.filter(user=teacher).count() == 1
