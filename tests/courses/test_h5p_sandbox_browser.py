"""End to end, in headless Chromium: H5P library code, which any trainer can
upload, runs in a sandbox where it cannot act as the person who opens the
lesson. A hostile library reads document.cookie, fetches the office page and
posts a forged passing statement with the site's credentials, and forges
messages to the lesson page: all fail, while the real quiz beside it still
records its pass and its resume state through the lesson page."""

import io
import json
import zipfile
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
    XAPIStatement,
)
from tests.courses.test_h5p_browser import _session_cookie, _wait_for
from tests.fixtures.people import with_totp
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FORGED = "http://example.org/forged"
PROBE_JS = """
var H5P = H5P || {};
H5P.Probe = (function () {
  function Probe(params) { this.params = params; }
  function outcome(request) {
    return request.then(
      function (r) { return {status: r.status, url: r.url, type: r.type}; },
      function (e) { return {blocked: String(e)}; });
  }
  Probe.prototype.attach = function ($container) {
    var site = this.params.site, report = {};
    try { report.cookie = document.cookie; }
    catch (e) { report.cookie = "error " + e.name; }
    var iri = H5PIntegration.contents[Object.keys(H5PIntegration.contents)[0]].url;
    var quizIri = iri.replace(/\\/probe$/, "/quiz-1");
    var forged = {
      verb: {id: "http://adlnet.gov/expapi/verbs/passed"},
      object: {id: quizIri},
      result: {score: {scaled: 1, raw: 3, min: 0, max: 3},
               success: true, completion: true},
      context: {extensions: {"FORGED_MARK": true}}
    };
    // Forged messages: for the quiz's frame, and about the quiz from this one.
    window.parent.postMessage({source: "h5p-embed", activity: "quiz-1", type: "xapi",
                               statement: forged}, "*");
    window.parent.postMessage({source: "h5p-embed", activity: "probe", type: "xapi",
                               statement: forged}, "*");
    window.parent.postMessage({source: "h5p-embed", activity: "quiz-1", type: "state",
                               dataType: "state", subContentId: "0",
                               data: '{"answers":[0,0,0],"checked":true}'}, "*");
    Promise.all([
      outcome(fetch("/office/", {credentials: "include"})),
      outcome(fetch(site + "/office/", {credentials: "include"})),
      outcome(fetch(site + this.params.xapi, {
        method: "POST", credentials: "include",
        headers: {"Content-Type": "text/plain"}, body: JSON.stringify(forged)}))
    ]).then(function (results) {
      report.office = results[0];
      report.officeAbsolute = results[1];
      report.xapi = results[2];
      $container.append(H5P.jQuery("<p class=probe-report></p>")
        .attr("data-report", JSON.stringify(report)).text("done"));
    });
  };
  return Probe;
})();
""".replace("FORGED_MARK", FORGED)


def _probe_package(site: str, xapi_path: str) -> bytes:
    library = {
        "title": "Probe", "machineName": "H5P.Probe", "majorVersion": 1,
        "minorVersion": 0, "patchVersion": 0, "runnable": 1,
        "preloadedJs": [{"path": "probe.js"}],
    }  # fmt: skip
    h5p_json = {
        "title": "Probe", "language": "zh", "mainLibrary": "H5P.Probe",
        "embedTypes": ["iframe"], "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.Probe", "majorVersion": 1, "minorVersion": 0}
        ],
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h5p.json", json.dumps(h5p_json))
        archive.writestr(
            "content/content.json", json.dumps({"site": site, "xapi": xapi_path})
        )
        archive.writestr("H5P.Probe-1.0/library.json", json.dumps(library))
        archive.writestr("H5P.Probe-1.0/probe.js", PROBE_JS)
    return buffer.getvalue()


@pytest.fixture
def probe_lesson(settings, tmp_path, catalog, category, live_server):
    settings.MEDIA_ROOT = tmp_path
    quiz = DEMO_QUIZZES["teacher-ethics"]
    quiz_package = h5p_package_create(
        title="小测验",
        file=ContentFile(build_quiz_package(**quiz), name="q.h5p"),
        by=None,
    )
    course = catalog.add_child(
        instance=CoursePage(
            title="沙箱", slug="sandbox-course", code="SBX-1", summary="简介",
            category=category, credit_hours=Decimal("2.0"),
            estimated_hours=Decimal("1.0"),
        )
    )  # fmt: skip
    lesson = course.add_child(instance=LessonPage(title="探针", slug="probe"))
    xapi_path = reverse("courses:xapi_statement", args=[lesson.pk, "quiz-1"])
    probe_package = h5p_package_create(
        title="探针",
        file=ContentFile(_probe_package(live_server.url, xapi_path), name="p.h5p"),
        by=None,
    )
    for package in (quiz_package, probe_package):
        package.refresh_from_db()
        assert package.is_ready, package.error
    lesson.body = [
        {
            "type": "h5p",
            "id": "probe",
            "value": {"title": "探针", "package": probe_package.pk, "pass_mark": 60},
        },
        {
            "type": "h5p",
            "id": "quiz-1",
            "value": {"title": "小测验", "package": quiz_package.pk, "pass_mark": 60},
        },
    ]
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk), course, quiz


def _probe_report(page):
    page.locator("#activity-probe .h5p-activity").scroll_into_view_if_needed()
    frame = page.frame_locator("#activity-probe iframe.h5p-sandbox")
    report = frame.locator(".probe-report").get_attribute("data-report")
    return json.loads(report)


def _refused(outcome, responses, path, live_server):
    """The probe's request got nothing: blocked, or answered without the
    viewer (a redirect to sign in, or a refusal)."""
    seen = [
        r for r in responses if r["url"] == live_server.url + path and r["sandboxed"]
    ]
    login = reverse("account_login")
    answered_as_viewer = [
        r for r in seen if r["status"] == 200 or r["status"] not in (302, 403)
    ]
    redirects_elsewhere = [
        r for r in seen if r["status"] == 302 and not r["location"].startswith(login)
    ]
    return ("status" not in outcome or outcome["status"] in (0, 302, 403)) and not (
        answered_as_viewer or redirects_elsewhere
    )


def _record_responses(page, responses: list) -> None:
    """Keep every response the page gets: where, what status, and whether the
    sandboxed player asked for it (any frame of the lesson: the players are
    its only frames)."""
    page.on(
        "response",
        lambda r: responses.append(
            {
                "url": r.url,
                "status": r.status,
                "location": r.headers.get("location", ""),
                "sandboxed": r.frame.parent_frame is not None,
            }
        ),
    )


def test_h5p_library_code_cannot_act_as_the_office_viewer(
    live_server, client, office, probe_lesson
):
    from playwright.sync_api import sync_playwright

    lesson, _course, _quiz = probe_lesson
    with_totp(office)
    cookie = _session_cookie(client, office, live_server)
    lesson_url = live_server.url + lesson.url
    responses = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        context.add_cookies([cookie])
        page = context.new_page()
        # The viewer's own session opens the office page: the probe's requests
        # below would, if they carried it.
        assert page.goto(live_server.url + "/office/").status == 200
        _record_responses(page, responses)
        page.goto(lesson_url)
        report = _probe_report(page)
        page.wait_for_timeout(1000)  # the forged messages would be posted by now
        browser.close()

    assert report["cookie"] == "error SecurityError"
    xapi_path = reverse("courses:xapi_statement", args=[lesson.pk, "quiz-1"])
    assert _refused(report["office"], responses, "/office/", live_server)
    assert _refused(report["officeAbsolute"], responses, "/office/", live_server)
    assert _refused(report["xapi"], responses, xapi_path, live_server)
    assert XAPIStatement.objects.count() == 0
    assert ActivityResult.objects.count() == 0
    assert H5PUserData.objects.count() == 0


def test_forged_messages_do_not_count_while_the_real_quiz_records_and_resumes(
    live_server, client, teacher, probe_lesson
):
    from playwright.sync_api import sync_playwright

    lesson, course, quiz = probe_lesson
    services.enrolment_create(user=teacher, course=course)
    cookie = _session_cookie(client, teacher, live_server)
    state_prefix = live_server.url + reverse(
        "courses:h5p_user_data", args=[lesson.pk, "quiz-1", "state", "0"]
    )
    right = [
        next(i for i, a in enumerate(q["answers"]) if a["correct"])
        for q in quiz["questions"]
    ]
    lesson_url = live_server.url + lesson.url
    responses = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies([cookie])
        page = context.new_page()
        _record_responses(page, responses)
        page.goto(lesson_url)
        report = _probe_report(page)
        page.locator("#activity-quiz-1 .h5p-activity").scroll_into_view_if_needed()
        frame = page.frame_locator("#activity-quiz-1 iframe.h5p-sandbox")
        # Answer the first question only: H5P saves that state (after its
        # saveFreq), and the reloaded page must show it again.
        with page.expect_response(
            lambda r: r.url.startswith(state_prefix) and r.request.method == "POST",
            timeout=45_000,
        ) as saved:
            frame.locator("fieldset.h5p-lmsquiz-q").first.locator(
                "label.h5p-lmsquiz-a"
            ).nth(right[0]).click()
        first_save = saved.value.status
        page.reload()
        page.locator("#activity-quiz-1 .h5p-activity").scroll_into_view_if_needed()
        frame = page.frame_locator("#activity-quiz-1 iframe.h5p-sandbox")
        restored = (
            frame.locator("fieldset.h5p-lmsquiz-q")
            .first.locator("input[type=radio]")
            .nth(right[0])
        )
        restored.wait_for(state="attached")
        resumed = restored.is_checked()
        for number in range(1, len(right)):
            frame.locator("fieldset.h5p-lmsquiz-q").nth(number).locator(
                "label.h5p-lmsquiz-a"
            ).nth(right[number]).click()
        frame.locator("button.h5p-lmsquiz-button").first.click()
        page.wait_for_function(
            "() => document.querySelector('#h5p-status-quiz-1')"
            ".textContent.includes('100')",
            timeout=20_000,
        )
        browser.close()

    assert first_save == 200
    assert resumed, "the saved answer was not restored"
    assert report["cookie"] == "error SecurityError"
    xapi_path = reverse("courses:xapi_statement", args=[lesson.pk, "quiz-1"])
    assert _refused(report["xapi"], responses, xapi_path, live_server)
    assert _wait_for(
        lambda: ActivityResult.objects.filter(
            user=teacher, block_id="quiz-1", passed_at__isnull=False
        ).exists()
    )
    result = ActivityResult.objects.get(user=teacher, block_id="quiz-1")
    assert result.attempts == 1  # the real attempt; no forged one
    assert not ActivityResult.objects.filter(block_id="probe").exists()
    recorded = [json.dumps(s.statement) for s in XAPIStatement.objects.all()]
    assert recorded and not any(FORGED in s for s in recorded)
    state = json.loads(H5PUserData.objects.get(user=teacher, data_type="state").data)
    assert state["answers"][0] == right[0]  # the real state, not the forged one
    assert django_settings.SESSION_COOKIE_NAME not in json.dumps(report)
