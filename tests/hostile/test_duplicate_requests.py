"""The same write arriving several times at once leaves one row of each kind.

Enrolment, marking a lesson complete and certificate issue race at the
service level already in tests/courses/test_concurrency.py and
tests/certificates/test_services.py; here the services without such a test
(xAPI statements, reflection submits, the H5P player's saved state) race too,
and then every write endpoint is posted to from several clients at once, as
a double click or two open tabs would. Threads race against PostgreSQL
(SQLite serialises writers, so a race there proves nothing); the unmarked
tests repeat the write one after another on any database.
"""

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import (
    ActivityResult,
    CourseCompletion,
    CoursePage,
    Enrolment,
    H5PUserData,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Reflection,
    XAPIStatement,
)
from courses.selectors import activity_iri
from people.models import User
from tests.helpers import at_once

from .conftest import ACTIVITY_ID

THREADS = 6
PASSED = {
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
    "object": {"id": "http://example.org/quiz"},
    "result": {"score": {"raw": 4, "min": 0, "max": 5, "scaled": 0.8}},
}
TEXT = "每周家访一次，记录留守儿童的变化。"


def _record(user_id, lesson_id, statement=PASSED):
    lesson = LessonPage.objects.get(pk=lesson_id)
    # About this lesson's activity, as the player says.
    statement = {**statement, "object": {"id": activity_iri(lesson, ACTIVITY_ID)}}
    return services.statement_record(
        user=User.objects.get(pk=user_id),
        lesson=lesson,
        block_id=ACTIVITY_ID,
        statement=statement,
    )


def _reflect(user_id, lesson_id, block_id, text=TEXT):
    return services.reflection_submit(
        user=User.objects.get(pk=user_id),
        lesson=LessonPage.objects.get(pk=lesson_id),
        block_id=block_id,
        text=text,
    )


def _rows(user, model):
    return model.objects.filter(user=user).count()


def _assert_one_pass(user, lesson, statements):
    result = ActivityResult.objects.get(user=user)
    assert result.attempts == 1
    assert result.passed
    assert _rows(user, XAPIStatement) == statements
    assert _rows(user, LessonProgress) == 1
    assert _rows(user, CourseCompletion) == 1
    assert _rows(user, HoursEntry) == 1
    assert CourseCompletion.objects.get(user=user).status == "completed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_passing_statements_pass_the_activity_once(teacher, enrolled_quiz):
    at_once(lambda _i: _record(teacher.pk, enrolled_quiz.pk), THREADS)

    _assert_one_pass(teacher, enrolled_quiz, THREADS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reflection_submits_keep_one_reflection(
    teacher, course_with_lessons
):
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    lesson = course.lessons[0]

    at_once(
        lambda i: _reflect(teacher.pk, lesson.pk, "prompt-1", f"{TEXT} 第{i}稿"),
        THREADS,
    )

    reflection = Reflection.objects.get(user=teacher)
    assert reflection.status == Reflection.Status.SUBMITTED
    assert reflection.text.startswith(TEXT)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_the_player_state_keep_one_row(teacher, enrolled_quiz):
    package = enrolled_quiz.activity_blocks[ACTIVITY_ID].value["package"]

    def save(i):
        services.user_data_set(
            user=User.objects.get(pk=teacher.pk), package=package,
            data_type="state", sub_content_id="0", data=f'{{"page": {i}}}',
        )  # fmt: skip

    at_once(save, THREADS)

    assert H5PUserData.objects.filter(user=teacher).count() == 1


# The same writes one after another, on any database -------------------------


def test_repeated_passing_statements_pass_the_activity_once(teacher, enrolled_quiz):
    for _ in range(3):
        _record(teacher.pk, enrolled_quiz.pk)

    _assert_one_pass(teacher, enrolled_quiz, 3)


def test_repeated_reflection_submits_keep_one_reflection(teacher, course_with_lessons):
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)

    for i in range(3):
        _reflect(teacher.pk, course.lessons[0].pk, "prompt-1", f"{TEXT} {i}")

    assert Reflection.objects.get(user=teacher).text == f"{TEXT} 2"
    assert CoursePage.objects.count() == 1


# The same POST from several browser tabs (or a double click) at once ---------


def _enrolled(user, course):
    services.enrolment_create(user=user, course=course)
    return course


@pytest.fixture
def endpoint(request, teacher, office, course_with_lessons, enrolled_quiz, monkeypatch):
    """(user, url, data or JSON, rows that must number one) for each write
    endpoint a learner or the office can send twice."""
    from certificates import pdf
    from certificates.models import Certificate
    from tests.factories import CertificateTemplateFactory

    # The PDF is rendered after commit; its content is not the point here.
    monkeypatch.setattr(pdf, "render_certificate_pdf", lambda c: b"%PDF-1.4 x")
    name = request.param
    if name == "enrol":
        course = course_with_lessons(1)
        url = reverse("courses:enrol", args=[course.pk])
        rows = Enrolment.objects.filter(user=teacher, course=course)
        return teacher, url, {}, lambda: rows
    if name == "lesson_complete":
        course = _enrolled(teacher, course_with_lessons(1))
        url = reverse("courses:lesson_complete", args=[course.lessons[0].pk])
        rows = HoursEntry.objects.filter(user=teacher, course=course)
        return teacher, url, {}, lambda: rows
    if name == "reflection_submit":
        course = _enrolled(teacher, course_with_lessons(1, reflection_lessons=1))
        url = reverse(
            "courses:reflection_submit", args=[course.lessons[0].pk, "prompt-1"]
        )
        return teacher, url, {"text": TEXT}, lambda: Reflection.objects.all()
    if name == "xapi_statement":
        url = reverse("courses:xapi_statement", args=[enrolled_quiz.pk, ACTIVITY_ID])
        course = CoursePage.objects.parent_of(enrolled_quiz).get()
        rows = HoursEntry.objects.filter(user=teacher, course=course)
        statement = {
            **PASSED,
            "object": {"id": activity_iri(enrolled_quiz, ACTIVITY_ID)},
        }
        return teacher, url, statement, lambda: rows
    course = course_with_lessons(1)
    template = CertificateTemplateFactory()
    data = {
        "holder": teacher.username, "course": course.pk, "template": template.pk,
        "override_reason": "结业前调离",
        "confirm": f"{teacher.username}||{course.pk}|{template.pk}",
    }  # fmt: skip
    return office, reverse("certificates:issue"), data, Certificate.objects.all


ENDPOINTS = [
    "enrol",
    "lesson_complete",
    "reflection_submit",
    "xapi_statement",
    "certificate_issue",
]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("endpoint", ENDPOINTS, indirect=True)
def test_the_same_post_sent_at_once_leaves_one_record(endpoint):
    user, url, data, rows = endpoint

    def post(_i):
        client = Client()
        client.force_login(User.objects.get(pk=user.pk))
        if "verb" in data:
            return client.post(url, data, content_type="application/json").status_code
        return client.post(url, data).status_code

    statuses = at_once(post, THREADS)

    assert set(statuses) <= {200, 302}, statuses
    assert rows().count() == 1
