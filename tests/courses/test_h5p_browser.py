"""End to end, in headless Chromium: a teacher opens a lesson, the H5P player
starts, the teacher answers our quiz, and the server records the score and
completes the lesson."""

import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from courses import services
from courses.h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from courses.h5p.services import h5p_package_create
from courses.models import (
    ActivityResult,
    CoursePage,
    H5PUserData,
    LessonPage,
    LessonProgress,
)
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def quiz_lesson(settings, tmp_path, catalog, category):
    settings.MEDIA_ROOT = tmp_path
    quiz = DEMO_QUIZZES["teacher-ethics"]
    package = h5p_package_create(
        title="十项准则小测验",
        file=ContentFile(build_quiz_package(**quiz), name="quiz.h5p"),
        by=None,
    )
    package.refresh_from_db()
    assert package.is_ready, package.error
    course = catalog.add_child(
        instance=CoursePage(
            title="师德小测", slug="quiz-course", code="QUIZ-1", summary="简介",
            category=category, credit_hours=Decimal("2.0"),
            estimated_hours=Decimal("1.0"),
        )
    )  # fmt: skip
    lesson = course.add_child(
        instance=LessonPage(
            title="小测验",
            slug="quiz",
            body=[
                {"type": "paragraph", "value": "<p>请完成下面的小测验。</p>"},
                {
                    "type": "h5p",
                    "id": "quiz-1",
                    "value": {
                        "title": "小测验",
                        "package": package.pk,
                        "pass_mark": 60,
                    },
                },
            ],
        )
    )
    return LessonPage.objects.get(pk=lesson.pk), quiz


def _session_cookie(client, user, live_server):
    client.force_login(user)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def player_frame(page):
    """The H5P player's frame inside the activity's sandboxed embed page."""
    return page.frame_locator("iframe.h5p-sandbox")


def test_teacher_answers_the_quiz_and_the_server_completes_the_lesson(
    live_server, client, teacher, quiz_lesson
):
    from playwright.sync_api import sync_playwright

    lesson, quiz = quiz_lesson
    course = CoursePage.objects.parent_of(lesson).get()
    services.enrolment_create(user=teacher, course=course)
    cookie = _session_cookie(client, teacher, live_server)
    # Playwright's sync API runs an event loop: no database access inside it.
    url = live_server.url + lesson.url
    state_prefix = live_server.url + reverse(
        "courses:h5p_user_data", args=[lesson.pk, "quiz-1", "state", "0"]
    )
    failed_requests, console_errors = [], []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies([cookie])
        page = context.new_page()
        page.on("requestfailed", lambda r: failed_requests.append(r.url))
        page.on(
            "console",
            lambda m: console_errors.append(m.text) if m.type == "error" else None,
        )
        page.goto(url)
        page.locator(".h5p-activity").scroll_into_view_if_needed()
        frame = player_frame(page)
        for number, question in enumerate(quiz["questions"]):
            right = next(i for i, a in enumerate(question["answers"]) if a["correct"])
            frame.locator("fieldset.h5p-lmsquiz-q").nth(number).locator(
                "label.h5p-lmsquiz-a"
            ).nth(right).click()
        # H5P saves the state soon after the answer; it reaches the server
        # through the lesson page, as the statement does.
        with page.expect_response(
            lambda r: r.url.startswith(state_prefix) and r.request.method == "POST",
            timeout=40_000,
        ) as saved:
            frame.locator("button.h5p-lmsquiz-button").first.click()
            # A function, evaluated once: Playwright evals a bare expression on
            # every poll, which the Content-Security-Policy forbids.
            page.wait_for_function(
                "() => document.querySelector('.activity-status')"
                ".textContent.includes('100')",
                timeout=20_000,
            )
        save_status = saved.value.status
        browser.close()

    assert _wait_for(
        lambda: ActivityResult.objects.filter(
            user=teacher, lesson=lesson, passed_at__isnull=False
        ).exists()
    )
    result = ActivityResult.objects.get(user=teacher, lesson=lesson)
    assert result.best_scaled == Decimal("1.0000")
    assert result.attempts == 1
    assert LessonProgress.objects.get(user=teacher, lesson=lesson).status == (
        "completed"
    )
    assert save_status == 200
    assert H5PUserData.objects.filter(user=teacher, data_type="state").exists()
    assert failed_requests == []
    assert console_errors == []
