"""H5P files and the embed page are served only with a capability the lesson
page mints for someone who may play the activity (no session: the player runs
in an opaque-origin sandbox), and nothing but the player's own library code
may run."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses import services
from courses.h5p import embed, storage
from courses.h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from courses.h5p.services import h5p_package_create
from courses.models import CoursePage, H5PUserData, LessonPage

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
            by=None,
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


def _token(lesson, user, package=None):
    package = package or lesson.activity_blocks[BLOCK].value["package"]
    return embed.embed_token(user=user, lesson=lesson, block_id=BLOCK, package=package)


def _url(lesson, kind, path, user, token=None):
    token = token or _token(lesson, user)
    return reverse("courses:h5p_file", args=[token, kind, path])


def test_the_token_alone_gets_the_content_with_safe_headers(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)

    # No session: the sandboxed player sends no cookie.
    response = client.get(_url(lesson, "content", "h5p.json", teacher))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    # An opaque origin's fetch of JSON (and fonts) needs CORS.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"H5P.LmsQuiz" in b"".join(response.streaming_content)


def test_an_svg_with_a_script_is_served_sandboxed(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)

    response = client.get(_url(lesson, "content", "content/picture.svg", teacher))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "script-src" not in response["Content-Security-Policy"]


def test_library_code_runs_in_the_player_but_is_not_sniffed(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)

    response = client.get(
        _url(lesson, "libraries", "H5P.LmsQuiz-1.0/lmsquiz.js", teacher)
    )

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response


def test_editors_may_preview_the_activity(client, trainer, quiz):
    lesson, _course, _package = quiz

    assert client.get(_url(lesson, "content", "h5p.json", trainer)).status_code == 200


def test_a_token_for_someone_not_enrolled_gets_nothing(client, teacher, quiz):
    lesson, _course, _package = quiz

    assert client.get(_url(lesson, "content", "h5p.json", teacher)).status_code == 403


def test_a_token_stops_working_when_the_teacher_withdraws(client, teacher, quiz):
    lesson, course, _package = quiz
    enrolment = services.enrolment_create(user=teacher, course=course)
    url = _url(lesson, "content", "h5p.json", teacher)
    assert client.get(url).status_code == 200

    services.enrolment_withdraw(enrolment=enrolment)

    assert client.get(url).status_code == 403


def test_a_changed_token_is_not_found(client, teacher, quiz):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    token = _token(lesson, teacher)
    # The same capability claimed for another activity block.
    forged = token.replace(BLOCK, "quiz-2") if BLOCK in token else "x" + token

    for bad in (token[:-2] + "xx", forged, "not-a-token"):
        assert (
            client.get(_url(lesson, "content", "h5p.json", teacher, bad)).status_code
            == 404
        )
        embed_page = client.get(reverse("courses:h5p_embed", args=[bad]))
        assert embed_page.status_code == 404


def test_an_expired_token_is_not_found(client, settings, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    url = _url(lesson, "content", "h5p.json", teacher)
    settings.SESSION_COOKIE_AGE = -1  # every token is older than that

    assert client.get(url).status_code == 404


def test_a_token_for_a_package_no_longer_in_the_block_is_not_found(
    client, teacher, quiz
):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    other = type(package).objects.create(
        title="别的", file="h5p/packages/x.h5p", status="ready"
    )
    token = _token(lesson, teacher, package=other)

    assert (
        client.get(_url(lesson, "content", "h5p.json", teacher, token)).status_code
        == 404
    )


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

    assert client.get(_url(lesson, kind, path, teacher)).status_code == 404


def test_a_package_still_processing_is_not_served(client, teacher, quiz):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    url = _url(lesson, "content", "h5p.json", teacher)
    package.status = package.Status.PROCESSING
    package.save()

    assert client.get(url).status_code == 404


def test_a_library_file_costs_a_fixed_number_of_queries(
    client, teacher, quiz, django_assert_num_queries
):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    url = _url(lesson, "libraries", "H5P.LmsQuiz-1.0/library.json", teacher)

    # The user, the lesson, the package, the enrolment, the package's libraries.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_embed_page_sandboxes_itself_and_preloads_the_saved_state(
    client, teacher, quiz
):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    H5PUserData.objects.create(
        user=teacher, package=package, data_type="state", data='{"answers":[1]}'
    )
    token = _token(lesson, teacher)

    response = client.get(reverse("courses:h5p_embed", args=[token]))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "sandbox allow-scripts" in policy
    assert "allow-same-origin" not in policy
    assert "script-src 'self';" in policy + ";"  # no inline script, no hash
    assert "frame-ancestors 'self'" in policy
    assert "X-Frame-Options" not in response  # framed by the lesson
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    player = response.context["options"]["player"]
    assert player["contentUserData"] == {"0": {"state": '{"answers":[1]}'}}
    assert player["h5pJsonPath"] == f"/h5p/files/{token}/content"
    assert player["xAPIObjectIRI"].endswith(f"/h5p/{lesson.pk}/{BLOCK}")
    assert "user" not in player and "ajax" not in player
    assert teacher.get_full_name() not in response.content.decode()


def test_the_embed_page_is_on_the_content_origin_when_one_is_set(
    client, settings, teacher, quiz
):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    settings.H5P_CONTENT_ORIGIN = "https://h5p.example.org"
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "h5p.example.org"]
    client.force_login(teacher)

    options = client.get(lesson.url).context["activity_options"][BLOCK]
    token = options["embedUrl"].split("/")[-2]
    embed_page = client.get(
        reverse("courses:h5p_embed", args=[token]), HTTP_HOST="h5p.example.org"
    )

    assert options["embedUrl"].startswith("https://h5p.example.org/h5p/embed/")
    assert options["contentOrigin"] == "https://h5p.example.org"
    player = embed_page.context["options"]["player"]
    assert player["h5pJsonPath"].startswith("https://h5p.example.org/h5p/files/")
    assert embed_page.context["options"]["parentOrigin"] == "https://lms.example.org"
