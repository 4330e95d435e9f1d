"""Bad input to every form and JSON endpoint of the project: each is refused
with a clear, translated reason and writes nothing.

Office forms answer 400 and show the form again with the reason; JSON
endpoints answer 4xx with {"error": ...}; the learner's buttons on a lesson
page (enrol, mark done, reflection) answer as a browser form expects, by
returning to the lesson with the reason as a message. URLs naming something
that does not exist answer 404. Requests run as the matrix's people on its
world (tests/security_matrix/world.py), each rolled back afterwards.
"""

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.security_matrix.conftest import world  # noqa: F401 (a fixture)
from tests.security_matrix.harness import WriteWatcher, resolve_value, route_kwargs

pytestmark = pytest.mark.django_db

LONG = "=" + "长" * 2001
MISSING = "=999999"


def case(id, role, url, data=None, status=400, says="", method=None, **kw):
    """A bad request: `url` is (name, {kwarg: spec}) or a literal path, `data`
    maps fields to world specs, `says` is a piece of the (English) reason."""
    method = method or ("post" if data is not None else "get")
    return pytest.param(role, method, url, data or {}, status, says, kw, id=id)


CASES = [
    # people: the teacher import
    case("import-without-file", "office", ("people:import_start", {}), {}, 400, "This field is required"),
    case("import-file-as-text", "office", ("people:import_start", {}), {"file": "=a,b"}, 400, "This field is required"),
    case("import-confirm-stale-token", "office", ("people:import_confirm", {"token": "=" + "f" * 32}), {}, 302, "no longer available"),
    case("import-preview-bad-token", "office", "/import/..%2f..%2f/", None, 404),
    # courses: office
    case("enrol-group-without-criterion", "office", ("courses:office_track_enrol", {"track_id": "track.pk"}), {}, 400, "Choose a cohort, a school or a role"),
    case("enrol-group-unknown-school", "office", ("courses:office_track_enrol", {"track_id": "track.pk"}), {"school": MISSING}, 400, "Select a valid choice"),
    case("enrol-group-school-not-a-number", "office", ("courses:office_track_enrol", {"track_id": "track.pk"}), {"school": "=甲"}, 400, "Select a valid choice"),
    case("enrol-group-role-unknown", "office", ("courses:office_track_enrol", {"track_id": "track.pk"}), {"role": "=office"}, 400, "Select a valid choice"),
    case("enrol-group-tampered-confirm", "office", ("courses:office_track_enrol", {"track_id": "track.pk"}), {"school": "school_a.pk", "confirm": "=||teacher"}, 200, "Confirm"),
    case("enrol-group-unknown-track", "office", ("courses:office_track_enrol", {"track_id": MISSING}), {}, 404),
    # courses: learners
    case("enrol-unknown-course", "teacher", ("courses:enrol", {"course_id": MISSING}), {}, 404),
    case("enrol-lesson-not-course", "teacher", ("courses:enrol", {"course_id": "lesson.pk"}), {}, 404),
    case("withdraw-not-enrolled", "principal", ("courses:withdraw", {"course_id": "course.pk"}), {}, 404),
    case("complete-unknown-lesson", "teacher", ("courses:lesson_complete", {"lesson_id": MISSING}), {}, 404),
    case("complete-draft-lesson", "teacher", ("courses:lesson_complete", {"lesson_id": "draft_lesson.pk"}), {}, 404),
    case("complete-not-enrolled", "principal", ("courses:lesson_complete", {"lesson_id": "lesson.pk"}), {}, 302, "Enrol in the course"),
    case("complete-quiz-by-hand", "teacher", ("courses:lesson_complete", {"lesson_id": "quiz_lesson.pk"}), {}, 302, "when you pass its activities"),
    case("reflection-empty", "teacher", ("courses:reflection_submit", {"lesson_id": "reflection_lesson.pk", "block_id": "=matrix-prompt"}), {"text": "= "}, 302, "This field is required"),
    case("reflection-too-long", "teacher", ("courses:reflection_submit", {"lesson_id": "reflection_lesson.pk", "block_id": "=matrix-prompt"}), {"text": "=" + "字" * 5001}, 302, "at most 5000"),
    case("reflection-too-short", "teacher", ("courses:reflection_submit", {"lesson_id": "reflection_lesson.pk", "block_id": "=matrix-prompt"}), {"text": "=好"}, 302, "at least 5 characters"),
    case("reflection-unknown-prompt", "teacher", ("courses:reflection_submit", {"lesson_id": "reflection_lesson.pk", "block_id": "=nope"}), {"text": "=足够长的体会内容"}, 302, "no longer exists"),
    case("reflection-not-enrolled", "principal", ("courses:reflection_submit", {"lesson_id": "reflection_lesson.pk", "block_id": "=matrix-prompt"}), {"text": "=足够长的体会内容"}, 302, "Enrol in the course"),
    # courses: the H5P player's JSON endpoints and files
    case("xapi-unknown-activity", "teacher", ("courses:xapi_statement", {"block_id": "=nope"}), {}, 400, "does not exist", json={"verb": {"id": "x"}, "object": {}}),
    case("xapi-draft-lesson", "teacher", ("courses:xapi_statement", {"lesson_id": "draft_lesson.pk"}), {}, 400, "does not exist", json={"verb": {"id": "x"}, "object": {}}),
    case("xapi-not-json", "teacher", ("courses:xapi_statement", {}), {}, 400, "not valid JSON", json="{'verb':"),
    case("xapi-list", "teacher", ("courses:xapi_statement", {}), {}, 400, "malformed", json=[]),
    case("xapi-no-verb", "teacher", ("courses:xapi_statement", {}), {}, 400, "no verb", json={"object": {"id": "x"}}),
    case("xapi-score-out-of-bounds", "teacher", ("courses:xapi_statement", {}), {}, 400, "outside its bounds", json={"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": "x"}, "result": {"score": {"raw": 9, "min": 0, "max": 5}}}),
    case("xapi-score-inconsistent", "teacher", ("courses:xapi_statement", {}), {}, 400, "does not match", json={"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": "x"}, "result": {"score": {"raw": 1, "max": 5, "scaled": 1}}}),
    case("xapi-score-a-string", "teacher", ("courses:xapi_statement", {}), {}, 400, "not a number", json={"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": "x"}, "result": {"score": {"raw": "5", "max": 5}}}),
    case("xapi-too-large", "teacher", ("courses:xapi_statement", {}), {}, 413, "too large", json={"verb": {"id": "x"}, "object": {"id": "x" * 70_000}}),
    case("state-too-large", "teacher", ("courses:h5p_user_data", {}), {"data": "=" + "x" * 70_000}, 400, "too large"),
    case("state-unknown-activity", "teacher", ("courses:h5p_user_data", {"block_id": "=nope"}), {"data": "=1"}, 404),
    case("h5p-file-traversal", "teacher", "/h5p/files/{w.h5p_token}/content/../../../../etc/passwd", None, 404),
    case("h5p-file-encoded-traversal", "teacher", "/h5p/files/{w.h5p_token}/content/%2e%2e/%2e%2e/settings.py", None, 404),
    case("h5p-file-absolute", "teacher", "/h5p/files/{w.h5p_token}/content//etc/passwd", None, 404),
    case("h5p-file-unknown-kind", "teacher", ("courses:h5p_file", {"kind": "=media"}), None, 404),
    case("h5p-asset-traversal", "anon", "/h5p/assets/..%2f..%2fsettings.py", None, 404),
    case("h5p-asset-unknown", "anon", ("courses:h5p_asset", {"name": "=" + "0" * 24 + ".js"}), None, 404),
    case("h5p-library-stale-version", "anon", ("courses:h5p_library_file", {"versioned": "=H5P.LmsQuiz-1.0.0-000000000000", "path": "=library.json"}), None, 404),
    case("h5p-library-traversal", "anon", "/h5p/libraries/{w.h5p_versioned}/../../content/1/h5p.json", None, 404),
    case("h5p-library-hidden-file", "anon", ("courses:h5p_library_file", {"versioned": "h5p_versioned", "path": "=.hash"}), None, 404),
    case("h5p-content-traversal", "teacher", "/learn/lessons/{w.quiz_lesson.pk}/activities/matrix-quiz/files/../../../../etc/passwd", None, 404),
    case("h5p-content-unknown-activity", "teacher", ("courses:h5p_content", {"block_id": "=nope", "path": "=content.json"}), None, 404),
    case("h5p-file-tampered-token", "anon", "/h5p/files/x{w.h5p_token}/content/h5p.json", None, 404),
    case("h5p-library-not-used", "teacher", ("courses:h5p_file", {"kind": "=libraries", "path": "=H5P.Other-1.0/library.json"}), None, 404),
    # certificates: office
    case("issue-unknown-holder", "office", ("certificates:issue", {}), {"holder": "=nobody", "course": "course.pk", "template": "template.pk"}, 400, "No teacher or principal has that username"),
    case("issue-admin-as-holder", "office", ("certificates:issue", {}), {"holder": "=matrix-admin", "course": "course.pk", "template": "template.pk"}, 400, "No teacher or principal"),
    case("issue-track-and-course", "office", ("certificates:issue", {}), {"holder": "=owner-a", "track": "track.pk", "course": "course.pk", "template": "template.pk"}, 400, "not both"),
    case("issue-template-not-a-number", "office", ("certificates:issue", {}), {"holder": "=owner-a", "course": "course.pk", "template": "=x"}, 400, "Select a valid choice"),
    case("issue-justification-too-long", "office", ("certificates:issue", {}), {"holder": "=owner-a", "course": "course.pk", "template": "template.pk", "override_reason": LONG, "confirm": "=owner-a||{w.course.pk}|{w.template.pk}"}, 400, "at most 2000"),
    case("issue-without-justification", "office", ("certificates:issue", {}), {"holder": "=owner-a", "course": "course.pk", "template": "template.pk", "confirm": "=owner-a||{w.course.pk}|{w.template.pk}"}, 400, "justification"),
    case("issue-tampered-confirm", "office", ("certificates:issue", {}), {"holder": "=owner-a", "course": "course.pk", "template": "template.pk", "override_reason": "=x", "confirm": "=owner-a|||{w.template.pk}"}, 200),
    case("revoke-without-reason", "office", ("certificates:revoke", {"pk": "certificate.pk"}), {"reason": "= "}, 400, "This field is required"),
    case("revoke-reason-too-long", "office", ("certificates:revoke", {"pk": "certificate.pk"}), {"reason": LONG}, 400, "at most 2000"),
    case("revoke-unknown-certificate", "office", ("certificates:revoke", {"pk": MISSING}), {"reason": "=x"}, 404),
    case("bulk-neither-track-nor-course", "office", ("certificates:bulk", {}), {"template": "template.pk"}, 400, "not both"),
    case("bulk-unknown-cohort", "office", ("certificates:bulk", {}), {"course": "course.pk", "cohort": "=-1", "template": "template.pk"}, 400, "Select a valid choice"),
    case("bulk-unknown-batch", "office", ("certificates:bulk_progress", {"pk": MISSING}), None, 404),
    case("download-traversal-serial", "teacher", "/certificates/..%2F..%2Fetc%2Fpasswd/download/", None, 404),
    # certificates: public verification and lists
    case("verify-unknown-code", "anon", ("certificates:verify", {"code": "=<script>"}), None, 404, "No certificate"),
    case("verify-serial-too-long", "anon", "/verify/?serial=" + "X" * 41, None, 200, "at most 40"),
    case("school-filter-not-a-number", "principal", "/school/?school=abc", None, 404),
    case("school-filter-other-school", "principal", "/school/?school={w.school_a.pk}", None, 404),
    case("office-list-bad-page", "office", "/office/certificates/?page=abc&status=nope&track=x", None, 200),
    # found by tests/hostile/test_url_properties.py and test_json_properties.py
    case("xapi-nan", "teacher", ("courses:xapi_statement", {}), {}, 400, "not valid JSON", json='{"verb": {"id": "x"}, "object": {"id": NaN}}'),
    case("xapi-form-body", "teacher", ("courses:xapi_statement", {}), {"verb": "=x"}, 415, "must be sent as JSON"),
    case("state-name-too-long", "teacher", ("courses:h5p_user_data", {"data_type": "=" + "d" * 65}), {"data": "=1"}, 400, "name is too long"),
    case("id-past-bigint", "teacher", "/learn/courses/9223372036854775808/enrol/", {}, 404),
    case("chooser-word-for-id", "admin", "/cms/snippets/choose/people/school/chosen/HX-1/", None, 404),
    case("delete-track-with-certificates", "admin", ("wagtailsnippets_courses_track:delete", {"pk": "track.pk"}), {}, 400, "cannot be deleted: 2 records"),
    case("delete-user-with-certificates", "admin", ("wagtailusers_users:delete", {"pk": "owner.pk"}), {}, 400, "cannot be deleted"),
]  # fmt: skip


def _url(world, spec):  # noqa: F811
    if isinstance(spec, str):
        return spec.format(w=world)
    name, kwargs = spec
    defaults = {
        "lesson_id": "quiz_lesson.pk",
        "block_id": "=matrix-quiz",
        "data_type": "=state",
        "sub_content_id": "=0",
        "kind": "=content",
        "path": "=h5p.json",
        "token": "h5p_token",
    }
    wanted = route_kwargs(name)
    values = {k: kwargs.get(k, defaults.get(k)) for k in wanted}
    return reverse(name, kwargs={k: resolve_value(world, v) for k, v in values.items()})


def _reasons(response) -> str:
    text = [str(m) for m in get_messages(response.wsgi_request)]
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        text.append(response.content.decode())
    return " ".join(text)


@pytest.mark.parametrize(
    ("role", "method", "url", "data", "status", "says", "kw"), CASES
)
def test_bad_input_is_refused_with_a_reason_and_writes_nothing(
    world,  # noqa: F811
    role,
    method,
    url,
    data,
    status,
    says,
    kw,
):
    client = Client()
    client.cookies["django_language"] = "en"
    with transaction.atomic():
        if role != "anon":
            user = world.admin if role == "admin" else world.people[role]
            client.force_login(user)
        path = _url(world, url)
        watcher = WriteWatcher()
        with connection.execute_wrapper(watcher):
            if "json" in kw:
                body = kw["json"] if isinstance(kw["json"], str) else None
                response = client.post(
                    path, body or kw["json"], content_type="application/json"
                )
            elif method == "post":
                payload = {k: resolve_value(world, v) for k, v in data.items()}
                response = client.post(path, payload)
            else:
                response = client.get(path)
        reasons = _reasons(response)
        transaction.set_rollback(True)

    assert response.status_code == status, reasons[:500]
    assert says in reasons
    assert not watcher.tables, f"wrote to {sorted(watcher.tables)}"
