"""The service worker, the web app manifest, the offline page, and which
responses the worker may keep for whom (core.offline, core.views)."""

import hashlib
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from core import views
from core.offline import KEEP_HEADER, USER_HEADER, user_key
from courses import services
from courses.models import LessonProgress
from tests.fixtures.people import with_totp

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "localhost"}


def get(client, url, **extra):
    return client.get(url, **HOST, **extra)


def worker_config(source: str) -> dict:
    return json.loads(re.search(r"var CONFIG = (\{.*?\n\});", source, re.S).group(1))


@pytest.fixture
def course(teacher, course_with_lessons):
    course = course_with_lessons(lessons=2)
    services.enrolment_create(user=teacher, course=course)
    return course


# --- the service worker -------------------------------------------------------


def test_service_worker_is_served_at_the_root_with_its_headers(client):
    response = get(client, "/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    assert reverse("core:service_worker") == "/sw.js"


def test_service_worker_version_is_a_hash_of_its_source(client):
    first, rest = get(client, "/sw.js").content.decode().split("\n", 1)
    version = re.fullmatch(r'var VERSION = "([0-9a-f]{16})";', first).group(1)
    assert version == hashlib.sha256(rest.encode()).hexdigest()[:16]


def test_service_worker_version_changes_with_a_static_file(client, monkeypatch):
    before = get(client, "/sw.js").content.decode().split("\n", 1)[0]
    monkeypatch.setattr(views, "_static_namespace", lambda: "changed")
    after = get(client, "/sw.js").content.decode().split("\n", 1)[0]
    assert before != after


def test_service_worker_loads_everything_from_this_site(client):
    source = get(client, "/sw.js").content.decode()
    config = worker_config(source)
    imported = re.findall(r'importScripts\("([^"]+)"\)', source)
    urls = [*imported, *config["modules"].values(), *config["shell"]]
    assert set(config["modules"]) == {
        f"workbox-{name}" for name in views.WORKBOX_MODULES
    }
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert all(url.endswith(".prod.js") for url in config["modules"].values())
    assert "debug: false" in source and "modulePathCb" in source


def test_service_worker_knows_where_activity_content_files_are(client):
    config = worker_config(get(client, "/sw.js").content.decode())
    url = reverse("courses:h5p_content", args=[12, "quiz-1", "content/a.png"])
    assert re.match(config["contentPath"], url)
    assert not re.match(config["contentPath"], reverse("courses:my_learning"))


def test_service_worker_is_the_same_for_everyone(client, teacher):
    anonymous = get(client, "/sw.js").content
    client.force_login(teacher)
    assert get(client, "/sw.js").content == anonymous


def test_service_worker_loads_the_outbox_replay_only_where_it_exists(
    client, monkeypatch
):
    real_find = finders.find

    def find(path, *args, **kwargs):
        if path in (views.OUTBOX_REPLAY, views.IDB_KEYVAL):
            return present
        return real_find(path, *args, **kwargs)

    monkeypatch.setattr(views.finders, "find", find)
    present = None
    without = get(client, "/sw.js").content.decode()
    present = "/somewhere/outbox-replay.js"
    with_replay = get(client, "/sw.js").content.decode()
    line = 'importScripts("/static/js/outbox-replay.js");'
    assert line not in without and "hongxiOutboxReplay" not in without
    assert line in with_replay
    keyval = 'self.hongxiOutboxIdbKeyvalUrl = "/static/idb-keyval/umd.js";'
    assert with_replay.index(keyval) < with_replay.index(line)
    assert 'event.tag === "hongxi-outbox"' in with_replay
    assert "self.hongxiOutboxReplay()" in with_replay


def test_service_worker_answers_only_get(client):
    assert client.post("/sw.js", **HOST).status_code == 405


# --- the manifest and the offline page ----------------------------------------


def test_manifest_names_the_site_and_its_icons(client):
    response = get(client, "/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "洪溪片区教师研修平台"
    assert data["short_name"] == "洪溪研修"
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert data["theme_color"] == "#0b6e4f"
    sizes = set()
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert sizes == {"192x192", "512x512"}


def test_base_page_links_the_manifest_and_names_the_person(client, teacher, course):
    client.force_login(teacher)
    html = get(client, course.url).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'<meta name="hongxi-user" content="{user_key(teacher)}">' in html
    assert '<meta name="hongxi-sw" content="/sw.js">' in html


def test_offline_page_names_nobody(client, teacher):
    client.force_login(teacher)
    response = get(client, "/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "你现在离线" in html
    assert "hongxi-user" not in html
    assert "csrfmiddlewaretoken" not in html
    assert teacher.username not in html and teacher.get_full_name() not in html
    assert USER_HEADER not in response and KEEP_HEADER not in response


def test_offline_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = get(client, "/offline/").content.decode()
    assert "You are offline" in html


# --- what may be kept, for whom ---------------------------------------------


def test_user_key_is_opaque_stable_and_personal(teacher, office):
    key = user_key(teacher)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert key == user_key(teacher)
    assert key != user_key(office)
    assert str(teacher.pk) != key


def test_user_key_is_empty_for_nobody():
    from django.contrib.auth.models import AnonymousUser

    assert user_key(AnonymousUser()) == ""
    assert user_key(None) == ""


def test_learner_pages_are_keepable_for_the_signed_in(client, teacher, course, home):
    client.force_login(teacher)
    for url in (course.url, course.lessons[0].url, "/learn/", home.url):
        response = get(client, url)
        assert response.status_code == 200, url
        assert response[KEEP_HEADER] == "keep", url
        assert response[USER_HEADER] == user_key(teacher), url
        assert "Cookie" in response["Vary"], url


def test_nothing_is_keepable_for_nobody(client, course, home):
    for url in (course.url, course.lessons[0].url, home.url, "/accounts/login/"):
        response = get(client, url)
        assert response.status_code == 200, url
        assert KEEP_HEADER not in response, url
        assert response[USER_HEADER] == "", url


def test_sign_in_office_and_others_pages_are_never_keepable(
    client, teacher, office, course
):
    with_totp(office)
    client.force_login(office)
    for url in (
        "/office/",
        reverse("reports:transcript", args=[teacher.pk]),
        reverse("courses:office_tracks"),
    ):
        response = get(client, url)
        assert response.status_code == 200, url
        assert KEEP_HEADER not in response, url
    teacher_client = Client()
    teacher_client.force_login(teacher)
    for url in ("/accounts/password/change/", "/me/", "/no-such-page/"):
        assert KEEP_HEADER not in get(teacher_client, url), url


def test_a_post_is_never_keepable(client, teacher, course):
    client.force_login(teacher)
    response = client.post(
        reverse("courses:lesson_complete", args=[course.lessons[0].pk]), **HOST
    )
    assert KEEP_HEADER not in response


def test_keeping_a_lesson_is_no_visit(client, teacher, course):
    client.force_login(teacher)
    lesson = course.lessons[0]
    kept = get(client, lesson.url, HTTP_X_HONGXI_PURPOSE="keep")
    assert kept[KEEP_HEADER] == "keep"
    assert not LessonProgress.objects.filter(user=teacher, lesson=lesson).exists()
    get(client, lesson.url)
    assert LessonProgress.objects.filter(user=teacher, lesson=lesson).exists()


def test_signing_out_clears_the_browser_cache(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("account_logout"), **HOST)
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert "Clear-Site-Data" not in get(client, "/")


# --- "keep this course offline" -------------------------------------------


def test_course_page_offers_keeping_to_its_learners(client, teacher, course):
    client.force_login(teacher)
    response = get(client, course.url)
    html = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="offline-course" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert data == {
        "id": course.pk,
        "title": course.title,
        "url": course.url,
        "lessons": [lesson.url for lesson in course.lessons],
    }
    assert 'id="offline-keep"' in html and "保存到手机，离线学习" in html
    assert "js/offline-course.js" in html


def test_course_page_offers_no_keeping_to_others(client, office, course):
    assert 'id="offline-keep"' not in get(client, course.url).content.decode()
    with_totp(office)
    client.force_login(office)
    assert 'id="offline-keep"' not in get(client, course.url).content.decode()
