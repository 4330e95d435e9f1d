"""What the H5P player is served: the aggregated library code and versioned
library files, public and immutable (precompressed); content files to the
lesson page with the viewer's session, or with a capability the lesson page
mints for someone who may play the activity (the sandbox has no session); and
nothing but the player's own library code may run."""

import gzip
import json
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses import services
from courses.h5p import assets, embed, storage
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
        ("libraries", "H5P.LmsQuiz-1.0/library.json"),
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


# The lesson page's own fetches: content files with the session --------------


def _content_url(lesson, path):
    return reverse("courses:h5p_content", args=[lesson.pk, BLOCK, path])


def test_the_lesson_page_fetches_content_files_with_the_session(client, teacher, quiz):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    response = client.get(_content_url(lesson, "picture.svg"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("sandbox")
    # The same URL every visit: the phone keeps it.
    assert response["Cache-Control"] == "private, max-age=86400"


@pytest.mark.parametrize(
    "path", ["../h5p.json", "../../1/content/content.json", ".tmp/x", "missing.png"]
)
def test_content_files_outside_the_content_folder_are_not_found(
    client, teacher, quiz, path
):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    assert client.get(_content_url(lesson, path)).status_code == 404


def test_content_files_are_only_for_those_who_may_play(client, teacher, quiz):
    lesson, course, _package = quiz
    url = _content_url(lesson, "picture.svg")

    assert client.get(url).status_code == 302  # to sign in
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    services.enrolment_create(user=teacher, course=course)
    assert client.get(url).status_code == 200


# Aggregated library code and versioned library files --------------------------


def test_installing_aggregates_the_libraries_code_in_dependency_order(quiz):
    _lesson, _course, package = quiz
    built = package.assets

    js = assets.asset_file(built["js"]).read_text()
    css = assets.asset_file(built["css"]).read_text()
    assert "H5P.LmsQuiz" in js and "/*! H5P.LmsQuiz-1.0/lmsquiz.js */" in js
    assert ".h5p-lmsquiz" in css
    # The player core's CSS is folded in, its Latin text fonts dropped for
    # the phone's own fonts (which have Chinese and Yi).
    assert ".h5p-content" in css
    assert "Inter" not in css and "Open Sans" not in css
    assert "PingFang SC" in css and "Nuosu SIL" in css
    # The player core's icon fonts: none of their glyphs is named by the
    # quiz's CSS, so they come whole by URL, only if one is shown; the
    # editor's font not at all.
    assert 'url("/static/h5p-standalone/fonts/h5p-core-30.woff2")' in css
    assert "h5p-hub-publish" not in css
    assert built["main"] == "H5P.LmsQuiz 1.0"
    assert list(built["libraries"]) == ["H5P.LmsQuiz-1.0"]
    assert assets.VERSIONED_RE.fullmatch(built["libraries"]["H5P.LmsQuiz-1.0"])
    for name in (built["js"], built["css"]):
        path = assets.asset_file(name)
        assert gzip.decompress(path.with_name(name + ".gz").read_bytes()) == (
            path.read_bytes()
        )
        assert path.with_name(name + ".br").is_file()


def test_an_asset_is_public_immutable_and_precompressed(
    client, quiz, django_assert_num_queries
):
    _lesson, _course, package = quiz
    name = package.assets["js"]
    url = reverse("courses:h5p_asset", args=[name])

    with django_assert_num_queries(0):
        brotli = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")

    for response in (brotli, gzipped, plain):
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Type"] == "text/javascript; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        # Scripts get no policy: a policy applies to documents.
        assert "Content-Security-Policy" not in response
    assert brotli["Content-Encoding"] == "br"
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    body = b"".join(plain.streaming_content)
    assert gzip.decompress(b"".join(gzipped.streaming_content)) == body
    assert int(brotli["Content-Length"]) < len(body)


@pytest.mark.parametrize(
    "name", ["0" * 24 + ".js", "../../../etc/passwd", "abc.js", "0" * 24 + ".html"]
)
def test_an_unknown_asset_is_not_found(client, quiz, name):
    assert client.get(f"/h5p/assets/{name}").status_code == 404


def test_a_library_file_is_served_by_its_versioned_folder_without_queries(
    client, quiz, django_assert_num_queries
):
    _lesson, _course, package = quiz
    versioned = package.assets["libraries"]["H5P.LmsQuiz-1.0"]
    url = reverse("courses:h5p_library_file", args=[versioned, "library.json"])

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert json.loads(b"".join(response.streaming_content))["machineName"] == (
        "H5P.LmsQuiz"
    )


def test_library_code_by_its_versioned_folder_is_not_sniffed(client, quiz):
    _lesson, _course, package = quiz
    versioned = package.assets["libraries"]["H5P.LmsQuiz-1.0"]

    response = client.get(
        reverse("courses:h5p_library_file", args=[versioned, "lmsquiz.js"])
    )

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response


def test_an_old_version_of_a_library_is_not_served(client, quiz):
    _lesson, _course, package = quiz
    versioned = package.assets["libraries"]["H5P.LmsQuiz-1.0"]
    folder, _patch, digest = versioned.rsplit(".", 1)[0], None, versioned[-12:]
    stale = versioned[:-12] + ("0" if digest[0] != "0" else "1") + digest[1:]
    other_patch = versioned.replace("-1.0.0-", "-1.0.9-")

    for name in (stale, other_patch, "H5P.Other-1.0.0-" + digest, folder):
        url = reverse("courses:h5p_library_file", args=[name, "library.json"])
        assert client.get(url).status_code == 404
    for path in ("../../content/1/h5p.json", ".hash", "missing.js"):
        url = reverse("courses:h5p_library_file", args=[versioned, path])
        assert client.get(url).status_code == 404


# What the lesson page hands its player ----------------------------------------


def test_the_lesson_page_gives_the_player_its_code_content_and_saved_state(
    client, teacher, quiz
):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    H5PUserData.objects.create(
        user=teacher, package=package, data_type="state", data='{"answers":[1]}'
    )
    client.force_login(teacher)

    response = client.get(lesson.url)

    options = response.context["activity_options"][BLOCK]
    built = package.assets
    assert options["core"].startswith("/static/h5p-standalone/frame.bundle")
    assert options["js"] == f"/h5p/assets/{built['js']}"
    assert options["css"] == f"/h5p/assets/{built['css']}"
    assert options["files"] == [
        [name, _content_url(lesson, name)] for name, _size in built["files"]
    ]
    integration = options["integration"]
    content = integration["contents"][f"cid-{BLOCK}"]
    assert content["library"] == "H5P.LmsQuiz 1.0"
    assert json.loads(content["jsonContent"])["questions"]
    assert content["url"].endswith(f"/h5p/{lesson.pk}/{BLOCK}")
    assert content["contentUserData"] == {"0": {"state": '{"answers":[1]}'}}
    assert content["contentUrl"].startswith("/h5p/files/")
    assert integration["urlLibraries"] == "/h5p/libraries"
    assert integration["libraryDirectories"] == built["libraries"]
    assert integration["l10n"]["H5P"]["close"]
    assert "user" not in integration
    # The service worker keeps what the activity needs, for offline.
    html = response.content.decode()
    found = re.search(r'<script id="offline-urls" [^>]*>(.*?)</script>', html)
    urls = json.loads(found.group(1))
    assert urls[:3] == [options["core"], options["js"], options["css"]]
    # The player starts from an inline script allowed by this nonce only.
    policy = response["Content-Security-Policy"]
    nonce = re.search(r'h5p-lesson[.\w]*\.js" nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in policy
    assert "blob:" in policy.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_a_lesson_with_several_activities_reads_the_saved_state_once(
    client, teacher, quiz, django_assert_max_num_queries
):
    lesson, course, package = quiz
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)
    client.get(lesson.url)
    one = _queries(client, lesson.url)
    lesson.body = [
        {
            "type": "h5p",
            "id": f"quiz-{n}",
            "value": {"title": "测验", "package": package.pk, "pass_mark": 60},
        }
        for n in range(1, 6)
    ]
    lesson.save_revision().publish()

    assert _queries(client, lesson.url) <= one + 1  # the revision's page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_content_origin_is_used_for_what_the_sandbox_loads_itself(
    client, settings, teacher, quiz
):
    lesson, course, _package = quiz
    services.enrolment_create(user=teacher, course=course)
    settings.H5P_CONTENT_ORIGIN = "https://h5p.example.org"
    client.force_login(teacher)

    options = client.get(lesson.url).context["activity_options"][BLOCK]

    content = options["integration"]["contents"][f"cid-{BLOCK}"]
    assert content["contentUrl"].startswith("https://h5p.example.org/h5p/files/")
    assert options["integration"]["urlLibraries"] == (
        "https://h5p.example.org/h5p/libraries"
    )
    # What the lesson page fetches itself stays on the site.
    assert options["js"].startswith("/h5p/assets/")
