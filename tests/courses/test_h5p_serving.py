"""H5P files are served only to people who may see the lesson, and nothing
but the player's own library code may run."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses import services
from courses.h5p import storage
from courses.h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from courses.h5p.services import h5p_package_create
from courses.models import CoursePage, LessonPage

pytestmark = pytest.mark.django_db

BLOCK = "quiz-1"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def quiz(settings, tmp_path, catalog, category, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_package_create(
            title="小测验",
            file=ContentFile(
                build_quiz_package(**DEMO_QUIZZES["teacher-ethics"]), name="q.h5p"
            ),
        )
    package.refresh_from_db()
    assert package.is_ready
    (storage.content_root(package) / "content" / "picture.svg").write_bytes(SVG)
    course = catalog.add_child(
        instance=CoursePage(
            title="课程", slug="quiz-course", code="Q-1", summary="简介",
            category=category, credit_hours=Decimal(1), estimated_hours=Decimal(1),
        )
    )  # fmt: skip
    lesson = course.add_child(
        instance=LessonPage(
            title="测验",
            slug="quiz",
            body=[
                {
                    "type": "h5p",
                    "id": BLOCK,
                    "value": {"title": "测验", "package": package.pk, "pass_mark": 60},
                }
            ],
        )
    )
    return lesson, course, package


def _url(lesson, kind, path):
    return reverse("courses:h5p_file", args=[lesson.pk, BLOCK, kind, path])


def test_enrolled_teacher_gets_the_content_with_safe_headers(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    response = client.get(_url(lesson, "content", "h5p.json"))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"H5P.LmsQuiz" in b"".join(response.streaming_content)


def test_an_svg_with_a_script_is_served_sandboxed(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    response = client.get(_url(lesson, "content", "content/picture.svg"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "script-src" not in response["Content-Security-Policy"]


def test_library_code_runs_in_the_player_but_is_not_sniffed(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    response = client.get(_url(lesson, "libraries", "H5P.LmsQuiz-1.0/lmsquiz.js"))

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response


def test_editors_may_preview_the_activity(client, trainer, quiz):
    lesson, _course, _package = quiz
    client.force_login(trainer)

    assert client.get(_url(lesson, "content", "h5p.json")).status_code == 200


def test_teachers_not_enrolled_get_nothing(client, teacher, quiz):
    lesson, _course, _package = quiz
    client.force_login(teacher)

    assert client.get(_url(lesson, "content", "h5p.json")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, quiz):
    lesson, _course, _package = quiz

    response = client.get(_url(lesson, "content", "h5p.json"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("content", "../../../etc/passwd"),
        ("content", "content/../../other/h5p.json"),
        ("libraries", "H5P.Other-1.0/library.json"),
        ("libraries", "../content/1/h5p.json"),
        ("elsewhere", "h5p.json"),
        ("content", ".tmp-x/h5p.json"),
        ("content", "content/missing.png"),
    ],
)
def test_paths_outside_the_package_are_not_found(client, teacher, quiz, kind, path):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    assert client.get(_url(lesson, kind, path)).status_code == 404


def test_a_package_still_processing_is_not_served(client, teacher, quiz):
    lesson, course, package = quiz
    package.status = package.Status.PROCESSING
    package.save()
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    assert client.get(_url(lesson, "content", "h5p.json")).status_code == 404
