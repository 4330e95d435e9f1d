"""End to end, in headless Chromium: the service worker keeps the lessons a
teacher opened and the courses they kept, shows them offline, keeps nothing
of sign-in or the office, and forgets everything personal on sign-out.
http://localhost is a secure context, so the worker runs on the live server."""

import base64
import contextlib
import io
import time
import zipfile

import pytest

from core.offline import user_key
from courses import services
from courses.models import CoursePage, LessonProgress
from tests.courses import test_h5p_browser
from tests.courses.test_h5p_browser import _session_cookie
from tests.fixtures.pages import LESSON_TEXT
from tests.fixtures.people import with_totp
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OFFLINE_TITLE = "你现在离线"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# Every cache's entries as paths (with the query), by cache name.
CACHED = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map(r => {
      const url = new URL(r.url);
      return url.pathname + url.search;
    });
  }
  return out;
}"""


@contextlib.contextmanager
def browser_page(live_server, cookie=None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        if cookie:
            context.add_cookies([cookie])
        page = context.new_page()
        try:
            yield context, page
        finally:
            browser.close()


def controlled(page):
    """Wait until the service worker controls the page."""
    page.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)",
        timeout=20_000,
    )


def cached(page) -> dict:
    return page.evaluate(CACHED)


def cached_paths(page) -> set:
    return {path for paths in cached(page).values() for path in paths}


def personal_paths(page) -> set:
    return {
        path
        for name, paths in cached(page).items()
        if name.startswith("hongxi-user-")
        for path in paths
    }


def wait_until_cached(page, path, seconds=15):
    """Wait until the person's cache holds `path` (wait_for_function would
    take an async predicate's promise for a truthy answer)."""
    deadline = time.monotonic() + seconds
    while path not in personal_paths(page):
        assert time.monotonic() < deadline, f"{path} never cached: {cached(page)}"
        time.sleep(0.3)


@pytest.fixture
def enrolled_course(teacher, course_with_lessons):
    course = course_with_lessons(lessons=3, title="离线课程")
    services.enrolment_create(user=teacher, course=course)
    return course


def test_a_visited_lesson_reloads_offline(
    live_server, client, teacher, enrolled_course
):
    lesson = enrolled_course.lessons[0]
    url, title_wanted = lesson.url, lesson.title
    cookie = _session_cookie(client, teacher, live_server)
    key = user_key(teacher)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + url)
        controlled(page)
        # The first page came before the worker: the page asks it to keep it.
        wait_until_cached(page, url)
        caches = cached(page)
        context.set_offline(True)
        page.reload()
        title = page.locator("h1").first.text_content()
        body = page.locator(".lesson-body").text_content()
    assert f"hongxi-user-{key}" in caches
    assert url in caches[f"hongxi-user-{key}"]
    assert title == title_wanted
    assert LESSON_TEXT in body


def test_a_kept_course_reads_offline_and_removing_it_forgets_it(
    live_server, client, teacher, enrolled_course
):
    course = enrolled_course
    third = course.lessons[2]
    course_url, third_url, third_title = course.url, third.url, third.title
    lesson_urls = {lesson.url for lesson in course.lessons}
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + course_url)
        controlled(page)
        box = page.locator("#offline-keep")
        box.locator('[data-action="keep"]').click()
        page.wait_for_function(
            "() => document.querySelector('#offline-keep').classList.contains('kept')",
            timeout=30_000,
        )
        kept_text = box.locator(".offline-status").text_content()
        paths = personal_paths(page)

        context.set_offline(True)
        page.goto(live_server.url + third_url)
        offline_title = page.locator("h1").first.text_content()
        offline_body = page.locator(".lesson-body").text_content()
        # The course page, offline too, says it is kept.
        page.goto(live_server.url + course_url)
        page.wait_for_function(
            "() => document.querySelector('#offline-keep').classList.contains('kept')"
        )
        page.locator('#offline-keep [data-action="remove"]').click()
        page.wait_for_function(
            "() => !document.querySelector('#offline-keep').classList.contains('kept')"
        )
        removed_text = box.locator(".offline-status").text_content()
        paths_after = personal_paths(page)
        page.goto(live_server.url + third_url)
        after_title = page.locator("h1").first.text_content()

    assert kept_text.startswith("已保存在这部手机上 · ")
    assert " KB · 更新于 " in kept_text
    assert {course_url, *lesson_urls} <= paths
    assert offline_title == third_title
    assert LESSON_TEXT in offline_body
    assert removed_text == "已从这部手机上删除。"
    assert not lesson_urls & paths_after
    assert after_title == OFFLINE_TITLE
    # Keeping is no visit: no lesson was marked as started by it.
    assert not LessonProgress.objects.filter(user=teacher, lesson=third).exists()


def test_the_office_and_sign_in_are_never_cached(live_server, client, office, teacher):
    with_totp(office)
    cookie = _session_cookie(client, office, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + "/learn/")
        controlled(page)
        response = page.goto(live_server.url + "/office/")
        assert response.status == 200
        assert response.headers.get("x-hongxi-offline") is None
        page.goto(live_server.url + "/learn/")
        wait_until_cached(page, "/learn/")
        office_paths = cached_paths(page)
    with browser_page(live_server) as (context, page):
        page.goto(live_server.url + "/accounts/login/")
        controlled(page)
        page.reload()
        page.goto(live_server.url + "/accounts/login/?next=/learn/")
        sign_in = cached(page)
    assert "/learn/" in office_paths
    assert not any(path.startswith("/office/") for path in office_paths)
    assert not any(
        path.startswith("/accounts/") for paths in sign_in.values() for path in paths
    )
    assert not any(name.startswith("hongxi-user-") for name in sign_in)


def test_signing_out_empties_the_personal_caches(
    live_server, client, teacher, enrolled_course
):
    url = enrolled_course.lessons[0].url
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + url)
        controlled(page)
        page.reload()
        wait_until_cached(page, url)
        before = personal_paths(page)
        page.locator(".menu-toggle").click()
        with page.expect_response(
            lambda r: r.url.endswith("/accounts/logout/") and r.request.method == "POST"
        ) as signed_out:
            page.get_by_role("button", name="退出", exact=True).click()
        page.wait_for_url(live_server.url + "/")
        page.wait_for_load_state()
        clear_site_data = signed_out.value.all_headers().get("clear-site-data")
        after = cached(page)
        # Offline now, the lesson is gone with the person.
        context.set_offline(True)
        page.goto(live_server.url + url)
        offline_title = page.locator("h1").first.text_content()
    assert url in before
    assert clear_site_data == '"cache"'
    assert not [name for name in after if name.startswith("hongxi-user-")]
    assert after.get("hongxi-meta", []) in ([], ["/__hongxi__/user"])
    assert offline_title == OFFLINE_TITLE


def test_another_person_signing_in_deletes_the_first_ones_cache(
    live_server, client, teacher, enrolled_course
):
    from django.test import Client

    from tests.factories import UserFactory

    other = UserFactory()
    url = enrolled_course.lessons[0].url
    first = _session_cookie(client, teacher, live_server)
    second = _session_cookie(Client(), other, live_server)
    with browser_page(live_server, first) as (context, page):
        page.goto(live_server.url + url)
        controlled(page)
        wait_until_cached(page, url)
        before = cached(page)
        context.clear_cookies()
        context.add_cookies([second])
        page.goto(live_server.url + "/learn/")
        wait_until_cached(page, "/learn/")
        after = cached(page)
    assert f"hongxi-user-{user_key(teacher)}" in before
    assert f"hongxi-user-{user_key(teacher)}" not in after
    assert after[f"hongxi-user-{user_key(other)}"] == ["/learn/"]


def test_an_unvisited_page_offline_shows_the_offline_page(
    live_server, client, teacher, enrolled_course
):
    course_url, second_url = enrolled_course.url, enrolled_course.lessons[1].url
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + course_url)
        controlled(page)
        context.set_offline(True)
        page.goto(live_server.url + second_url)
        title = page.locator("h1").first.text_content()
        text = page.locator("#offline-page").text_content()
        names = list(cached(page))
        width = page.evaluate("() => document.documentElement.scrollWidth")
    assert title == OFFLINE_TITLE
    assert "你现在离线，这个页面没有保存在这部手机上" in text
    assert any(name.startswith("hongxi-shell-") for name in names)
    assert width <= 360


# --- H5P activities offline (the player hand-over: the lesson page fetches the
# player's code and the content's files itself, same origin) -----------------

OFFLINE_URLS = """() => JSON.parse(
  document.getElementById("offline-urls").textContent)"""


def wait_until_playing(page, questions):
    """The activity plays: the lesson page's marker, and the quiz inside the
    sandboxed frame."""
    page.locator(".h5p-activity").scroll_into_view_if_needed()
    page.wait_for_selector('.h5p-activity[data-playing="true"]', timeout=30_000)
    frame = page.frame_locator("iframe.h5p-sandbox")
    frame.locator("fieldset.h5p-lmsquiz-q").first.wait_for(timeout=20_000)
    return frame.locator("fieldset.h5p-lmsquiz-q").count() == questions


@pytest.fixture
def quiz_lesson(settings, tmp_path, catalog, category, monkeypatch):
    """test_h5p_browser's quiz lesson, its package holding a content file
    (an image) too, which the lesson page hands over to the player."""
    real_build = test_h5p_browser.build_quiz_package

    def build_with_image(**quiz):
        buffer = io.BytesIO(real_build(**quiz))
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("content/images/photo.png", PNG)
        return buffer.getvalue()

    monkeypatch.setattr(test_h5p_browser, "build_quiz_package", build_with_image)
    return test_h5p_browser.quiz_lesson.__wrapped__(
        settings, tmp_path, catalog, category
    )


@pytest.fixture
def enrolled_quiz(teacher, quiz_lesson):
    lesson, quiz = quiz_lesson
    course = CoursePage.objects.parent_of(lesson).get()
    services.enrolment_create(user=teacher, course=course)
    return course.url, lesson.url, len(quiz["questions"])


def test_a_visited_h5p_lesson_plays_offline(
    live_server, client, teacher, enrolled_quiz
):
    _course_url, url, questions = enrolled_quiz
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + url)
        controlled(page)
        wanted = set(page.evaluate(OFFLINE_URLS))
        deadline = time.monotonic() + 20
        while not wanted <= cached_paths(page) or url not in personal_paths(page):
            assert time.monotonic() < deadline, cached(page)
            time.sleep(0.3)
        personal = personal_paths(page)
        context.set_offline(True)
        page.reload()
        plays = wait_until_playing(page, questions)
    assert plays
    content = {path for path in wanted if "/activities/quiz-1/files/" in path}
    assert content and content <= personal
    assert any(path.startswith("/h5p/assets/") for path in wanted)


def test_a_kept_courses_h5p_lesson_plays_offline_unvisited(
    live_server, client, teacher, enrolled_quiz
):
    course_url, url, questions = enrolled_quiz
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + course_url)
        controlled(page)
        page.locator('#offline-keep [data-action="keep"]').click()
        page.wait_for_function(
            "() => document.querySelector('#offline-keep').classList.contains('kept')",
            timeout=30_000,
        )
        personal = personal_paths(page)
        context.set_offline(True)
        page.goto(live_server.url + url)
        plays = wait_until_playing(page, questions)
    assert url in personal
    # The content file went to the person's own cache, not a shared one.
    assert any(
        path.endswith("/activities/quiz-1/files/images/photo.png") for path in personal
    ), personal
    assert plays
    # Keeping is no visit.
    assert not LessonProgress.objects.filter(user=teacher).exists()


def test_mark_as_done_offline_on_a_page_that_never_loaded_the_outbox(
    live_server, client, teacher, enrolled_course
):
    """site.js loads the outbox only when a page needs it; offline, the
    worker's shell has it, so "mark as done" waits on the phone and is sent
    once online (counted once)."""
    lesson = enrolled_course.lessons[0]
    url = lesson.url
    cookie = _session_cookie(client, teacher, live_server)
    with browser_page(live_server, cookie) as (context, page):
        page.goto(live_server.url + url)
        controlled(page)
        wait_until_cached(page, url)
        page.reload()  # now under the worker, the outbox never loaded
        loaded_before = page.evaluate("() => !window.HongxiOutbox.lazy")
        context.set_offline(True)
        page.get_by_role("button", name="标记本课时为已完成").click()
        page.locator(".outbox-saved").wait_for()
        context.set_offline(False)
        page.wait_for_function(
            "() => document.getElementById('outbox-notice').textContent"
            ".includes('记录已发送')",
            timeout=30_000,
        )
    assert loaded_before is False
    progress = LessonProgress.objects.get(user=teacher, lesson=lesson)
    assert progress.status == "completed"
