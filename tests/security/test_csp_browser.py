"""In headless Chromium, on the demo programme: the main pages of every role,
signed in through the real sign-in form (with the two-factor code for office
and admin), the H5P quiz played, the Wagtail dashboard and page editor open.
None of them may break the Content-Security-Policy."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from certificates.models import Certificate
from courses.h5p.quiz_package import DEMO_QUIZZES
from courses.models import CoursePage, LessonPage
from people.demo import DEMO_PASSWORD
from people.mfa import DEMO_TOTP_SECRET, totp_code
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Collects violations in every document the init script reaches; console
# messages catch the rest (e.g. the H5P player's written frame).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    quiz = LessonPage.objects.get(url_path__endswith="/teacher-ethics/quiz/")
    course = CoursePage.objects.parent_of(quiz).get()
    from placements.models import Placement

    placements = {p.participant.username: p for p in Placement.objects.all()}
    return {
        "logging": placements["teacher"].pk,
        "submitted": placements["t.hx01"].pk,
        "round": placements["teacher"].round_id,
        "quiz_url": quiz.url,
        "quiz_id": quiz.pk,
        "course_url": course.url,
        "course_id": course.pk,
        "code": Certificate.objects.filter(status="issued")
        .values_list("verification_code", flat=True)
        .first(),
    }


class Visitor:
    """One browser context; remembers every CSP violation it saw."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 360, "height": 740})
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.violations = []
        self.page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text[:200]}")

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        self._collect()
        return response

    def _collect(self):
        for violation in self.page.evaluate("window.__csp || []"):
            self.violations.append(f"{self.page.url}: {violation}")
        self.page.evaluate("window.__csp = []")

    def sign_in(self, username, totp_secret=None):
        self.open("/accounts/login/")
        self.page.fill("#id_login", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        if totp_secret is not None:
            assert "/accounts/2fa/authenticate/" in self.page.url
            self._collect()
            self.page.fill("#id_code", totp_code(totp_secret))
            self.page.click("main button.button")
            self.page.wait_for_load_state("networkidle")
        assert "/accounts/" not in self.page.url, self.page.url
        self._collect()

    def play_quiz(self, path, quiz):
        self.open(path)
        self.page.locator(".h5p-activity").scroll_into_view_if_needed()
        frame = self.page.frame_locator("iframe.h5p-sandbox")
        for number, question in enumerate(quiz["questions"]):
            right = next(i for i, a in enumerate(question["answers"]) if a["correct"])
            frame.locator("fieldset.h5p-lmsquiz-q").nth(number).locator(
                "label.h5p-lmsquiz-a"
            ).nth(right).click()
        frame.locator("button.h5p-lmsquiz-button").first.click()
        # A function, evaluated once: Playwright evals a bare expression on
        # every poll, which the Content-Security-Policy forbids.
        self.page.wait_for_function(
            "() => document.querySelector('.activity-status')"
            ".textContent.includes('100')",
            timeout=20_000,
        )
        self._collect()


def test_main_pages_of_every_role_keep_to_the_content_security_policy(
    live_server, demo
):
    from playwright.sync_api import sync_playwright

    seen = []
    # Playwright's sync API runs an event loop: no database access inside it.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        visits = [
            (None, None, ["/", "/accounts/login/", "/courses/", "/verify/",
                          f"/verify/{demo['code']}/", "/accounts/password/reset/"]),
            ("seed", None, ["/learn/", demo["course_url"], "/certificates/", "/me/",
                            "/accounts/2fa/", "/accounts/2fa/totp/activate/"]),
            ("principal.yiguojue", None, ["/school/", "/school/certificates/",
                                          "/reports/school/", "/placements/school/"]),
            ("teacher", None, ["/placements/", f"/placements/{demo['logging']}/",
                               f"/placements/{demo['logging']}/logs/new/"]),
            ("mentor", None, ["/placements/mentees/",
                              f"/placements/{demo['submitted']}/"]),
            ("trainer", None, ["/cms/", "/cms/pages/",
                               f"/cms/pages/{demo['quiz_id']}/edit/"]),
            ("office", DEMO_TOTP_SECRET, ["/office/", "/office/certificates/",
                                          "/office/certificates/bulk/",
                                          "/office/tracks/", "/import/", "/cms/",
                                          "/office/placements/", "/reports/office/",
                                          f"/office/placements/rounds/{demo['round']}/",
                                          f"/cms/pages/{demo['course_id']}/edit/"]),
            ("admin", DEMO_TOTP_SECRET, ["/django-admin/",
                                         "/django-admin/people/auditevent/"]),
        ]  # fmt: skip
        violations = []
        for username, secret, paths in visits:
            visitor = Visitor(browser, live_server.url)
            if username:
                visitor.sign_in(username, secret)
            for path in paths:
                response = visitor.open(path)
                seen.append((username, path, response.status))
            if username == "seed":
                visitor.play_quiz(demo["quiz_url"], DEMO_QUIZZES["teacher-ethics"])
            violations += visitor.violations
            visitor.context.close()
        browser.close()

    assert [s for s in seen if s[2] != 200] == []
    assert violations == []


def test_the_watch_does_see_a_violation(live_server, db):
    """The check above could pass by seeing nothing: an inline script on a
    page with the strict policy must be reported."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        visitor = Visitor(browser, live_server.url)
        visitor.open("/accounts/login/")
        visitor.page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ran = 1'; document.body.append(s); }"
        )
        time.sleep(0.5)
        ran = visitor.page.evaluate("window.ran === 1")
        visitor._collect()
        browser.close()

    assert not ran
    assert any("script-src" in v for v in visitor.violations)
