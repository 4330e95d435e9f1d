"""End to end, in headless Chromium: records made offline wait on the phone
(IndexedDB), survive a reload, and are sent once, in order, when the phone is
online again; a record of one person is never sent as another."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import (
    ActivityResult,
    CoursePage,
    H5PPackage,
    H5PUserData,
    LessonPage,
    LessonProgress,
    XAPIStatement,
)
from courses.selectors import activity_iri

# quiz_lesson is a fixture: imported, pytest finds it here.
from tests.courses.test_h5p_browser import _wait_for, player_frame, quiz_lesson  # noqa: F401
from tests.factories import ProfileFactory, UserFactory
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
WAITING_ONE = "有 1 条记录等待发送"
SENT = "记录已发送（"


def _db(query):
    """Run an ORM query in a thread of its own: Playwright's sync API keeps an
    event loop running in this one, where Django refuses database access."""

    def run():
        try:
            return query()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _session_cookie(user, live_server):
    client = Client()  # one each: signing another person in ends the session
    client.force_login(user)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.fixture
def text_lesson(teacher, course_with_lessons):
    course = course_with_lessons(2)
    services.enrolment_create(user=teacher, course=course)
    return LessonPage.objects.child_of(course).live().order_by("path").first()


@pytest.fixture
def activity_lesson(teacher, text_lesson, activity_lesson_in_new_course):
    """A lesson with one H5P activity in another course the teacher is
    enrolled in; statements are posted to it from the text lesson's page."""
    package = H5PPackage.objects.create(
        title="测验", file="h5p/packages/quiz.h5p", status="ready"
    )
    lesson = activity_lesson_in_new_course(package)
    services.enrolment_create(user=teacher, course=lesson.get_parent().specific)
    return lesson


def _browser(playwright, errors, **context_options):
    """A phone-sized browser; uncaught script errors of its pages go to
    `errors` (failed requests while offline are expected). The service
    worker is kept out: these tests intercept the page's requests, which
    Playwright cannot once a worker answers them, and the outbox must work
    without one (tests/core/test_offline_browser.py runs it with one)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context_options.setdefault("service_workers", "block")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, **context_options
    )
    context.on("weberror", lambda e: errors.append(str(e.error)))
    return browser, context


def _shot(page, name):
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=os.path.join(os.environ["SHOTS_DIR"], name))


def _notice(page):
    return page.locator("#outbox-notice")


def _wait_notice(page, text, timeout=20_000):
    # A function, evaluated once: Playwright evals a bare expression on every
    # poll, which the Content-Security-Policy forbids.
    page.wait_for_function(
        "(text) => document.getElementById('outbox-notice').textContent.includes(text)",
        arg=text,
        timeout=timeout,
    )


def _ready(page):
    """The page's outbox is there. site.js loads it when the page needs it;
    a phone with the service worker has it from the worker's shell even
    offline, but these tests keep the worker out, so it is loaded online."""
    page.wait_for_function("() => window.HongxiOutboxLoad || window.HongxiOutbox")
    page.evaluate("() => window.HongxiOutboxLoad && window.HongxiOutboxLoad()")
    page.wait_for_function("() => window.HongxiOutbox && !window.HongxiOutbox.lazy")


def test_mark_as_done_offline_waits_on_the_phone_and_is_sent_once_online(
    live_server, client, teacher, text_lesson
):
    from playwright.sync_api import sync_playwright

    cookie = _session_cookie(teacher, live_server)
    complete_url = live_server.url + reverse(
        "courses:lesson_complete", args=[text_lesson.pk]
    )
    lesson_url = live_server.url + text_lesson.url
    answered = []

    errors = []
    with sync_playwright() as playwright:
        browser, context = _browser(playwright, errors)
        context.add_cookies([cookie])
        page = context.new_page()
        page.on(
            "requestfinished",
            lambda r: answered.append(r.url) if r.url == complete_url else None,
        )
        page.goto(lesson_url)
        _ready(page)
        assert not _notice(page).is_visible()  # nothing ever waited
        # ...so the queue's code is not loaded until something is sent.
        loaded_at_first = page.evaluate("() => 'HongxiOutboxCore' in window")

        context.set_offline(True)
        page.get_by_role("button", name="标记本课时为已完成").click()
        page.locator(".outbox-saved").wait_for()
        saved_text = page.locator(".outbox-saved").text_content()
        _wait_notice(page, WAITING_ONE)
        _shot(page, "outbox-saved-on-phone.png")
        status_text = page.locator("#lesson-status").text_content()
        waiting = page.evaluate("() => HongxiOutbox.count()")
        progress_offline = _db(
            lambda: LessonProgress.objects.filter(
                user=teacher, lesson=text_lesson, status="completed"
            ).count()
        )

        context.set_offline(False)  # the `online` event sends it
        _wait_notice(page, SENT)
        sent_notice = _notice(page).text_content()
        left = page.evaluate("() => HongxiOutbox.count()")
        page.wait_for_timeout(500)
        browser.close()

    assert errors == []
    assert loaded_at_first is False
    assert saved_text == "已保存在手机上，联网后会自动发送"
    assert "已完成（待发送）" in status_text
    assert (waiting, progress_offline) == (1, 0)
    assert left == 0
    assert sent_notice.startswith(SENT) and sent_notice.endswith("）")
    assert answered == [complete_url]  # the offline try never reached it
    progress = LessonProgress.objects.get(user=teacher, lesson=text_lesson)
    assert progress.status == "completed"


def test_twenty_statements_survive_a_reload_and_are_stored_once_in_order(
    live_server, client, teacher, text_lesson, activity_lesson
):
    from playwright.sync_api import sync_playwright

    cookie = _session_cookie(teacher, live_server)
    xapi_url = reverse("courses:xapi_statement", args=[activity_lesson.pk, "quiz-1"])
    iri = activity_iri(activity_lesson, "quiz-1")
    ids = [str(uuid.uuid4()) for _ in range(20)]
    statements = [
        {
            "id": statement_id,
            "actor": {"name": "someone"},
            "verb": {"id": ANSWERED},
            "object": {"id": iri},
            "result": {"score": {"raw": 1, "min": 0, "max": 5, "scaled": 0.2}},
        }
        for statement_id in ids
    ]
    send_all = """async ([url, statements]) => {
        const answers = [];
        for (const statement of statements) {
            answers.push(await HongxiOutbox.send({
                url, method: "POST", contentType: "application/json",
                body: JSON.stringify(statement), kind: "xapi",
            }));
        }
        return answers;
    }"""
    lesson_url = live_server.url + text_lesson.url

    errors = []
    with sync_playwright() as playwright:
        browser, context = _browser(playwright, errors)
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(lesson_url)
        _ready(page)

        context.set_offline(True)
        queued = page.evaluate(send_all, [xapi_url, statements])
        _wait_notice(page, "有 20 条记录等待发送")
        _shot(page, "outbox-waiting.png")
        width = page.evaluate("() => document.documentElement.scrollWidth")

        # Back on the network, but the records' address still unreachable:
        # the reloaded page finds the queue and its first try fails again.
        page.route("**/xapi/", lambda route: route.abort("internetdisconnected"))
        context.set_offline(False)
        page.reload()
        _ready(page)
        _wait_notice(page, "有 20 条记录等待发送")
        after_reload = page.evaluate("() => HongxiOutbox.count()")
        stored_while_blocked = _db(
            lambda: XAPIStatement.objects.filter(user=teacher).count()
        )

        page.unroute("**/xapi/")  # the retry (5 s) sends them
        _wait_notice(page, SENT, timeout=40_000)
        left = page.evaluate("() => HongxiOutbox.count()")
        again = page.evaluate(send_all, [xapi_url, statements])

        # Another statement under a used id waits offline; its refusal (409)
        # takes it off the queue and the notice shows why.
        context.set_offline(True)
        conflicting = {**statements[0], "result": {"score": {"raw": 5, "max": 5}}}
        page.evaluate(send_all, [xapi_url, [conflicting]])
        _wait_notice(page, "有 1 条记录等待发送")
        context.set_offline(False)
        _wait_notice(page, "有一条记录未被接受：已有另一条使用此编号的学习记录。")
        left_after_refusal = page.evaluate("() => HongxiOutbox.count()")
        browser.close()

    assert errors == []
    assert queued == [{"queued": True}] * 20
    assert width <= 360
    assert (after_reload, stored_while_blocked, left) == (20, 0, 0)
    stored = XAPIStatement.objects.filter(user=teacher).order_by("pk")
    assert [str(s.statement_id) for s in stored] == ids
    assert [(a.get("sent"), a.get("status")) for a in again] == [(True, 200)] * 20
    assert XAPIStatement.objects.filter(user=teacher).count() == 20
    result = ActivityResult.objects.get(user=teacher, lesson=activity_lesson)
    assert result.attempts == 20
    assert left_after_refusal == 0


def test_records_of_another_person_are_not_sent(
    live_server, client, teacher, school, text_lesson
):
    """A teacher marks a lesson done offline; a colleague signs in on the same
    phone. Neither their pages nor the service worker's replay (every waiting
    record; the server holds what is not the colleague's) send it; when the
    teacher signs in again, the worker's replay sends it and the teacher's
    next page says so."""
    from playwright.sync_api import sync_playwright

    colleague = UserFactory()
    ProfileFactory(user=colleague, role="teacher", school=school)
    services.enrolment_create(
        user=colleague, course=CoursePage.objects.parent_of(text_lesson).get()
    )
    teacher_cookie = _session_cookie(teacher, live_server)
    colleague_cookie = _session_cookie(colleague, live_server)
    origin = live_server.url
    lesson_url = origin + text_lesson.url
    replay_in_worker = """async (origin) => {
        const source = `
            self.hongxiOutboxIdbKeyvalUrl = "${origin}/static/idb-keyval/umd.js";
            importScripts("${origin}/static/js/outbox-replay.js");
            self.hongxiOutboxReplay().then(
                (o) => postMessage({sent: o.sent, remaining: o.remaining}),
                (error) => postMessage({error: String(error)}));`;
        const worker = new Worker(URL.createObjectURL(new Blob([source])));
        return await new Promise((resolve) => {
            worker.onmessage = (e) => resolve(e.data);
        });
    }"""

    errors = []
    with sync_playwright() as playwright:
        # The worker comes from a blob: URL, which the site's CSP forbids.
        browser, context = _browser(playwright, errors, bypass_csp=True)
        context.add_cookies([teacher_cookie])
        page = context.new_page()
        page.goto(lesson_url)
        _ready(page)
        context.set_offline(True)
        page.get_by_role("button", name="标记本课时为已完成").click()
        _wait_notice(page, WAITING_ONE)

        # The colleague signs in before the phone is online again (else the
        # teacher's open page would send it at once, as it should).
        page.goto("about:blank")
        context.add_cookies([colleague_cookie])  # in place of the teacher's
        context.set_offline(False)
        page.goto(lesson_url)
        _ready(page)
        page.wait_for_timeout(1000)
        colleague_count = page.evaluate("() => HongxiOutbox.count()")
        colleague_notice = _notice(page).text_content()
        worker = page.evaluate(replay_in_worker, origin)
        colleague_button = page.get_by_role("button", name="标记本课时为已完成").count()
        done_while_colleague = _db(
            lambda: LessonProgress.objects.filter(
                lesson=text_lesson, status="completed"
            ).count()
        )

        context.add_cookies([teacher_cookie])
        # The teacher is back; this time the worker's replay sends it (the
        # page's own outbox is kept out of the way).
        page.route("**/js/outbox.js", lambda route: route.abort())
        page.goto(lesson_url)
        worker_as_teacher = page.evaluate(replay_in_worker, origin)
        page.unroute("**/js/outbox.js")
        page.goto(lesson_url)
        _ready(page)
        _wait_notice(page, SENT)  # sent since this person's last page
        browser.close()

    assert errors == []
    assert (colleague_count, colleague_notice) == (0, "")
    assert colleague_button == 1  # the teacher's record is not the colleague's
    assert worker == {"sent": 0, "remaining": 1}
    assert worker_as_teacher == {"sent": 1, "remaining": 0}
    assert done_while_colleague == 0
    assert _wait_for(
        lambda: LessonProgress.objects.filter(
            user=teacher, lesson=text_lesson, status="completed"
        ).exists()
    )
    assert not LessonProgress.objects.filter(
        user=colleague, lesson=text_lesson, status="completed"
    ).exists()


def test_signing_out_with_records_waiting_asks_first_and_keeps_them(
    live_server, teacher, text_lesson
):
    from playwright.sync_api import sync_playwright

    cookie = _session_cookie(teacher, live_server)
    lesson_url = live_server.url + text_lesson.url
    complete = "**" + reverse("courses:lesson_complete", args=[text_lesson.pk])
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        if len(dialogs) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    errors = []
    with sync_playwright() as playwright:
        browser, context = _browser(playwright, errors)
        context.add_cookies([cookie])
        page = context.new_page()
        page.on("dialog", answer)
        page.goto(lesson_url)
        _ready(page)
        # Online, but the record cannot get through yet.
        page.route(complete, lambda route: route.abort("internetdisconnected"))
        page.get_by_role("button", name="标记本课时为已完成").click()
        _wait_notice(page, WAITING_ONE)

        page.get_by_role("button", name="菜单").click()
        page.get_by_role("button", name="退出", exact=True).click()
        page.wait_for_timeout(500)
        still_in = page.locator('meta[name="hongxi-user"]:not([content=""])').count()
        with page.expect_navigation():  # the menu is still open
            page.get_by_role("button", name="退出", exact=True).click()
        signed_out = page.locator('meta[name="hongxi-user"]:not([content=""])').count()
        page.unroute(complete)

        # Signing in again gives a new CSRF cookie: the page brings the
        # waiting record the new token.
        context.clear_cookies()
        context.add_cookies([_session_cookie_sync(teacher, live_server)])
        page.goto(lesson_url)
        _ready(page)
        _wait_notice(page, SENT)
        browser.close()

    assert errors == []
    assert len(dialogs) == 2
    assert dialogs[0].startswith("还有 1 条记录没有发送。")
    assert (still_in, signed_out) == (1, 0)
    assert LessonProgress.objects.get(user=teacher, lesson=text_lesson).status == (
        "completed"
    )


def _session_cookie_sync(user, live_server):
    return _db(lambda: _session_cookie(user, live_server))


def test_only_the_newest_resume_state_waits_and_is_saved(
    live_server, teacher, text_lesson, activity_lesson
):
    from playwright.sync_api import sync_playwright

    cookie = _session_cookie(teacher, live_server)
    state_url = reverse(
        "courses:h5p_user_data", args=[activity_lesson.pk, "quiz-1", "state", "0"]
    )
    lesson_url = live_server.url + text_lesson.url
    save_three = """async (url) => {
        for (const answer of [1, 2, 3]) {
            await HongxiOutbox.send({
                url, method: "POST", kind: "state",
                contentType: "application/x-www-form-urlencoded",
                body: new URLSearchParams({
                    data: JSON.stringify({answer}), preload: "1", invalidate: "0",
                }).toString(),
            });
        }
        return HongxiOutbox.count();
    }"""

    errors = []
    with sync_playwright() as playwright:
        browser, context = _browser(playwright, errors)
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(lesson_url)
        _ready(page)
        context.set_offline(True)
        waiting = page.evaluate(save_three, state_url)
        context.set_offline(False)
        _wait_notice(page, SENT)
        browser.close()

    assert errors == []
    assert waiting == 1
    rows = H5PUserData.objects.filter(user=teacher, data_type="state")
    assert [r.data for r in rows] == ['{"answer":3}']


def test_a_quiz_answered_offline_is_recorded_once_after_reconnecting(
    live_server,
    teacher,
    quiz_lesson,  # noqa: F811
):
    from playwright.sync_api import sync_playwright

    lesson, quiz = quiz_lesson
    services.enrolment_create(
        user=teacher, course=CoursePage.objects.parent_of(lesson).get()
    )
    cookie = _session_cookie(teacher, live_server)
    lesson_url = live_server.url + lesson.url

    errors = []
    with sync_playwright() as playwright:
        browser, context = _browser(playwright, errors)
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(lesson_url)
        _ready(page)
        page.locator(".h5p-activity").scroll_into_view_if_needed()
        frame = player_frame(page)
        frame.locator("button.h5p-lmsquiz-button").first.wait_for(timeout=40_000)

        context.set_offline(True)  # the player is loaded; the link drops
        for number, question in enumerate(quiz["questions"]):
            right = next(i for i, a in enumerate(question["answers"]) if a["correct"])
            frame.locator("fieldset.h5p-lmsquiz-q").nth(number).locator(
                "label.h5p-lmsquiz-a"
            ).nth(right).click()
        frame.locator("button.h5p-lmsquiz-button").first.click()
        page.wait_for_function(
            "() => document.querySelector('.activity-status')"
            ".textContent.includes('已保存在这部手机上')",
            timeout=20_000,
        )
        page.wait_for_function(
            "() => /有 \\d+ 条记录等待发送/.test("
            "document.getElementById('outbox-notice').textContent)"
        )
        waiting = page.evaluate("() => HongxiOutbox.count()")
        page.evaluate("() => window.scrollTo(0, 0)")
        _shot(page, "outbox-quiz-waiting.png")
        stored_offline = _db(lambda: XAPIStatement.objects.filter(user=teacher).count())

        context.set_offline(False)
        _wait_notice(page, SENT, timeout=40_000)
        left = page.evaluate("() => HongxiOutbox.count()")
        page.reload()  # nothing waits, nothing is sent again
        _ready(page)
        page.wait_for_timeout(1000)
        browser.close()

    assert errors == []
    assert waiting >= 1 and stored_offline == 0 and left == 0
    result = ActivityResult.objects.get(user=teacher, lesson=lesson)
    assert result.attempts == 1
    assert result.best_scaled == Decimal("1.0000")
    assert result.passed_at is not None
    statements = XAPIStatement.objects.filter(user=teacher)
    assert statements.count() == len(set(statements.values_list("statement_id")))
    assert LessonProgress.objects.get(user=teacher, lesson=lesson).status == (
        "completed"
    )
