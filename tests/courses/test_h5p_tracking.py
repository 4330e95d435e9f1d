"""The server decides what an H5P activity's xAPI statements count for."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.h5p import embed
from courses.models import (
    ActivityResult,
    CourseCompletion,
    CoursePage,
    H5PPackage,
    H5PUserData,
    HoursEntry,
    LessonPage,
    LessonProgress,
    XAPIStatement,
)
from courses.selectors import activity_iri
from tests.factories import ProfileFactory, UserFactory
from tests.fixtures.pages import PROMPT_ID

pytestmark = pytest.mark.django_db

ACTIVITY_ID = "activity-1"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
FAILED = "http://adlnet.gov/expapi/verbs/failed"


@pytest.fixture
def package(built_package):
    return built_package


@pytest.fixture
def activity_lesson(catalog, category, package):
    """A live course whose only lesson holds one H5P activity (pass mark 60%)."""

    def build(*, reflection=False):
        course = catalog.add_child(
            instance=CoursePage(
                title="互动课程", slug=f"h5p-course-{CoursePage.objects.count()}",
                code=f"H5P-{CoursePage.objects.count()}", summary="简介",
                category=category, credit_hours=Decimal("3.0"),
                estimated_hours=Decimal("1.0"),
            )
        )  # fmt: skip
        body = [
            {
                "type": "h5p",
                "id": ACTIVITY_ID,
                "value": {"title": "小测验", "package": package.pk, "pass_mark": 60},
            }
        ]
        if reflection:
            body.append(
                {
                    "type": "reflection",
                    "id": PROMPT_ID,
                    "value": {"prompt": "<p>体会</p>", "min_chars": 5},
                }
            )
        lesson = course.add_child(
            instance=LessonPage(title="练习", slug="practice", body=body)
        )
        return LessonPage.objects.get(pk=lesson.pk)

    return build


@pytest.fixture
def enrolled(teacher, activity_lesson):
    lesson = activity_lesson()
    course = CoursePage.objects.parent_of(lesson).get()
    services.enrolment_create(user=teacher, course=course)
    return lesson


def _statement(verb=ANSWERED, raw=None, maximum=5, success=None, parent=False):
    statement = {
        "actor": {"mbox": "mailto:someone-else@example.org", "name": "冒名者"},
        "verb": {"id": verb},
        "object": {"id": THIS_ACTIVITY},
    }
    result = {}
    if raw is not None:
        result["score"] = {
            "raw": raw,
            "min": 0,
            "max": maximum,
            "scaled": raw / maximum,
        }
    if success is not None:
        result["success"] = success
    if result:
        statement["result"] = result
    if parent:
        statement["context"] = {
            "contextActivities": {"parent": [{"id": "http://x/h5p/1/activity-1"}]}
        }
    return statement


# Stands for the activity's own IRI, filled in by _post for the lesson.
THIS_ACTIVITY = "this-activity"


def _post(client, lesson, statement, block_id=ACTIVITY_ID):
    if isinstance(statement, dict) and isinstance(statement.get("object"), dict):
        if statement["object"].get("id") == THIS_ACTIVITY:
            iri = activity_iri(lesson, block_id)
            statement = {**statement, "object": {"id": iri}}
    body = statement if isinstance(statement, str | bytes) else json.dumps(statement)
    return client.post(
        reverse("courses:xapi_statement", args=[lesson.pk, block_id]),
        body,
        content_type="application/json",
    )


def _result(user, lesson):
    return ActivityResult.objects.get(user=user, lesson=lesson, block_id=ACTIVITY_ID)


def test_passing_score_completes_the_lesson_course_and_hours(client, teacher, enrolled):
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=3))  # 60% = the pass mark

    assert response.status_code == 200
    assert response.json()["passed"] is True
    assert LessonProgress.objects.get(user=teacher, lesson=enrolled).status == (
        "completed"
    )
    assert CourseCompletion.objects.get(user=teacher).status == "completed"
    assert HoursEntry.objects.get(user=teacher).hours == Decimal("3.0")


def test_answered_below_the_pass_mark_never_completes(client, teacher, enrolled):
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=2, success=True))

    assert response.json()["passed"] is False
    assert _result(teacher, enrolled).attempts == 1
    assert not LessonProgress.objects.filter(status="completed").exists()


def test_failed_is_not_a_pass_even_with_full_marks(client, teacher, enrolled):
    client.force_login(teacher)

    _post(client, enrolled, _statement(verb=FAILED, raw=5))

    assert _result(teacher, enrolled).passed is False


def test_success_without_a_score_passes(client, teacher, enrolled):
    client.force_login(teacher)

    _post(client, enrolled, _statement(success=True))

    assert _result(teacher, enrolled).passed is True


def test_best_score_and_attempts_are_kept(client, teacher, enrolled):
    client.force_login(teacher)

    for raw in (2, 5, 1):
        _post(client, enrolled, _statement(raw=raw))

    result = _result(teacher, enrolled)
    assert (result.attempts, result.best_scaled) == (3, Decimal("1.0000"))
    assert result.passed


def test_the_course_score_follows_the_best_activity_score(client, teacher, enrolled):
    client.force_login(teacher)

    _post(client, enrolled, _statement(raw=2))  # 40%: not passed yet
    assert CourseCompletion.objects.get(user=teacher).score == Decimal("40.00")
    _post(client, enrolled, _statement(raw=4))  # 80%: passes, completes
    _post(client, enrolled, _statement(raw=3))  # a lower score changes nothing

    completion = CourseCompletion.objects.get(user=teacher)
    assert (completion.status, completion.score) == ("completed", Decimal("80.00"))


def test_statements_about_a_part_of_the_activity_do_not_count(
    client, teacher, enrolled
):
    client.force_login(teacher)

    _post(client, enrolled, _statement(raw=5, parent=True))

    stored = XAPIStatement.objects.get()
    assert stored.top_level is False
    assert not ActivityResult.objects.exists()


def test_the_actor_is_always_the_signed_in_user(client, teacher, enrolled):
    client.force_login(teacher)

    _post(client, enrolled, _statement(raw=1))

    stored = XAPIStatement.objects.get()
    assert stored.user == teacher
    assert stored.statement["actor"]["account"]["name"] == str(teacher.pk)
    assert "mbox" not in stored.statement["actor"]


@pytest.mark.parametrize(
    "score",
    [
        {"raw": 6, "min": 0, "max": 5},
        {"raw": -1, "min": 0, "max": 5},
        {"raw": 1, "min": 0, "max": 0},
        {"raw": 5, "min": 0, "max": 5, "scaled": 0.2},
        {"scaled": 1.5},
        {"raw": "5", "max": 5},
        {"raw": True, "max": 5},
    ],
)
def test_scores_outside_their_bounds_are_refused(client, teacher, enrolled, score):
    client.force_login(teacher)
    statement = _statement()
    statement["result"] = {"score": score}

    response = _post(client, enrolled, statement)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not XAPIStatement.objects.exists()
    assert not ActivityResult.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", '{"verb": {}}', '{"verb": {"id": "x"}}', "NaN"],
)
def test_malformed_statements_are_refused(client, teacher, enrolled, body):
    client.force_login(teacher)

    response = _post(client, enrolled, body)

    assert response.status_code == 400
    assert not XAPIStatement.objects.exists()


def test_a_score_of_nan_is_refused(client, teacher, enrolled):
    client.force_login(teacher)

    body = json.dumps(_statement(raw=3)).replace('"raw": 3', '"raw": NaN')
    response = _post(client, enrolled, body)

    assert response.status_code == 400


def test_oversized_statements_are_refused(client, teacher, enrolled):
    client.force_login(teacher)
    statement = _statement(raw=3)
    statement["padding"] = "x" * 70_000

    response = _post(client, enrolled, statement)

    assert response.status_code == 413
    assert not XAPIStatement.objects.exists()


def test_teachers_not_enrolled_cannot_record_results(client, teacher, activity_lesson):
    lesson = activity_lesson()
    client.force_login(teacher)

    response = _post(client, lesson, _statement(raw=5))

    assert response.status_code == 400
    assert not XAPIStatement.objects.exists()


def test_unknown_activity_is_refused(client, teacher, enrolled):
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=5), block_id="nope")

    assert response.status_code == 400


def test_xapi_needs_a_signed_in_user_and_post(client, teacher, enrolled):
    url = reverse("courses:xapi_statement", args=[enrolled.pk, ACTIVITY_ID])

    assert client.post(url, "{}", content_type="application/json").status_code == 302
    client.force_login(teacher)
    assert client.get(url).status_code == 405


def test_xapi_needs_the_csrf_token(teacher, enrolled):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=5))

    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_activity_lessons_cannot_be_marked_done_by_hand(client, teacher, enrolled):
    client.force_login(teacher)

    client.post(reverse("courses:lesson_complete", args=[enrolled.pk]))

    assert not LessonProgress.objects.filter(status="completed").exists()


def test_lesson_with_activity_and_reflection_needs_both(
    client, teacher, trainer, activity_lesson
):
    lesson = activity_lesson(reflection=True)
    course = CoursePage.objects.parent_of(lesson).get()
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    _post(client, lesson, _statement(raw=5))
    assert not LessonProgress.objects.filter(status="completed").exists()

    reflection = services.reflection_submit(
        user=teacher, lesson=lesson, block_id=PROMPT_ID, text="我的体会很多很多"
    )
    services.reflection_review(reflection=reflection, reviewer=trainer, accept=True)

    assert LessonProgress.objects.get(user=teacher, lesson=lesson).status == (
        "completed"
    )


# Statements with an id: a queue replayed after an offline spell -------------

STATEMENT_ID = "6f1c2a4e-9b7d-4c3e-8a5f-2d1e0b9c8a7f"


def test_a_replayed_statement_is_recorded_once_and_answered_alike(
    client, teacher, enrolled
):
    client.force_login(teacher)
    statement = {**_statement(raw=2), "id": STATEMENT_ID}

    first = _post(client, enrolled, statement)
    again = _post(client, enrolled, statement)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert XAPIStatement.objects.filter(user=teacher).count() == 1
    assert _result(teacher, enrolled).attempts == 1


def test_statements_with_other_ids_each_count(client, teacher, enrolled):
    client.force_login(teacher)
    for n in range(3):
        _post(client, enrolled, {**_statement(raw=2), "id": f"{STATEMENT_ID[:-1]}{n}"})

    assert XAPIStatement.objects.filter(user=teacher).count() == 3
    assert _result(teacher, enrolled).attempts == 3


def test_another_statement_under_a_used_id_is_a_conflict_and_changes_nothing(
    client, teacher, enrolled
):
    client.force_login(teacher)
    _post(client, enrolled, {**_statement(raw=2), "id": STATEMENT_ID})

    response = _post(client, enrolled, {**_statement(raw=5), "id": STATEMENT_ID})

    assert response.status_code == 409
    assert response.json()["error"] == "已有另一条使用此编号的学习记录。"
    assert XAPIStatement.objects.filter(user=teacher).count() == 1
    result = _result(teacher, enrolled)
    assert (result.attempts, result.passed) == (1, False)


def test_the_same_id_from_two_people_is_two_statements(
    client, teacher, enrolled, school
):
    other = UserFactory()
    ProfileFactory(user=other, role="teacher", school=school)
    course = CoursePage.objects.parent_of(enrolled).get()
    services.enrolment_create(user=other, course=course)
    statement = {**_statement(raw=3), "id": STATEMENT_ID}
    for user in (teacher, other):
        client.force_login(user)
        assert _post(client, enrolled, statement).json()["passed"] is True

    assert XAPIStatement.objects.filter(statement_id=STATEMENT_ID).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_replayed_at_once_from_several_tabs_is_recorded_once(
    teacher, enrolled
):
    from tests.helpers import at_once

    statement = {
        **_statement(raw=2),
        "object": {"id": activity_iri(enrolled, ACTIVITY_ID)},
        "id": STATEMENT_ID,
    }

    def replay(_i):
        return services.statement_record(
            user=teacher, lesson=enrolled, block_id=ACTIVITY_ID, statement=statement
        )

    at_once(replay, 4)

    assert XAPIStatement.objects.filter(user=teacher).count() == 1
    assert _result(teacher, enrolled).attempts == 1


@pytest.mark.parametrize("bad_id", ["not-a-uuid", 12, "", ["x"]])
def test_a_statement_id_that_is_not_a_uuid_is_refused(
    client, teacher, enrolled, bad_id
):
    client.force_login(teacher)

    response = _post(client, enrolled, {**_statement(raw=3), "id": bad_id})

    assert response.status_code == 400
    assert not XAPIStatement.objects.exists()


def _state_url(lesson, data_type="state", sub="0"):
    return reverse(
        "courses:h5p_user_data", args=[lesson.pk, ACTIVITY_ID, data_type, sub]
    )


def test_resume_state_is_saved_per_user_and_reset_with_zero(
    client, teacher, enrolled, package
):
    client.force_login(teacher)

    assert client.get(_state_url(enrolled)).json() == {"success": True, "data": False}
    client.post(_state_url(enrolled), {"data": '{"answers":[1,2]}'})
    assert client.get(_state_url(enrolled)).json()["data"] == '{"answers":[1,2]}'
    client.post(_state_url(enrolled), {"data": "0"})

    assert not H5PUserData.objects.exists()


def test_resume_state_has_a_size_cap(client, teacher, enrolled):
    client.force_login(teacher)

    response = client.post(_state_url(enrolled), {"data": "x" * 70_000})

    assert response.status_code == 400
    assert not H5PUserData.objects.exists()


def test_resume_state_is_refused_to_teachers_not_enrolled(
    client, teacher, activity_lesson
):
    lesson = activity_lesson()
    client.force_login(teacher)

    assert client.get(_state_url(lesson)).status_code == 403


def test_lesson_page_hands_the_activity_its_player_and_a_capability(
    client, teacher, enrolled
):
    client.force_login(teacher)

    response = client.get(enrolled.url)

    options = response.context["activity_options"][ACTIVITY_ID]
    content = options["integration"]["contents"][f"cid-{ACTIVITY_ID}"]
    # What the sandbox loads itself (a big video) it reaches with a token.
    token = content["contentUrl"].split("/")[3]
    assert content["contentUrl"] == f"/h5p/files/{token}/content/content"
    grant = embed.embed_grant(token)
    assert (grant.user_id, grant.lesson_id, grant.block_id) == (
        teacher.pk,
        enrolled.pk,
        ACTIVITY_ID,
    )
    assert options["iri"].endswith(f"/h5p/{enrolled.pk}/{ACTIVITY_ID}")
    assert content["url"] == options["iri"]
    assert 'src="/static/js/h5p-lesson.js"' in response.content.decode()


def test_the_player_gets_the_saved_state_so_the_learner_resumes(
    client, teacher, enrolled
):
    client.force_login(teacher)
    client.post(_state_url(enrolled), {"data": '{"answers":[0,-1]}'})

    options = client.get(enrolled.url).context["activity_options"][ACTIVITY_ID]

    content = options["integration"]["contents"][f"cid-{ACTIVITY_ID}"]
    assert content["contentUserData"] == {"0": {"state": '{"answers":[0,-1]}'}}


def _nothing_recorded():
    return not XAPIStatement.objects.exists() and not ActivityResult.objects.exists()


def test_a_statement_about_another_activity_is_refused(client, teacher, enrolled):
    client.force_login(teacher)
    statement = {**_statement(raw=5), "object": {"id": "http://x/h5p/9/other"}}

    response = _post(client, enrolled, statement)

    assert response.status_code == 400
    assert _nothing_recorded()


def test_a_statement_about_part_of_the_activity_is_kept(client, teacher, enrolled):
    client.force_login(teacher)
    part = f"{activity_iri(enrolled, ACTIVITY_ID)}?subContentId=abc-1"
    statement = {**_statement(raw=1, parent=True), "object": {"id": part}}

    assert _post(client, enrolled, statement).status_code == 200
    assert XAPIStatement.objects.get().top_level is False


def test_a_made_up_verb_with_a_score_is_refused(client, teacher, enrolled):
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(verb="http://x/verbs/won", raw=5))
    made_up = _post(
        client, enrolled, _statement(verb="http://adlnet.gov/expapi/verbs/won", raw=5)
    )

    assert response.status_code == made_up.status_code == 400
    assert _nothing_recorded()


def test_success_false_never_passes_even_with_a_full_score(client, teacher, enrolled):
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=5, success=False))

    assert response.status_code == 200
    assert not _result(teacher, enrolled).passed


def test_scored_content_must_send_a_score_to_pass(client, teacher, enrolled, package):
    H5PPackage.objects.filter(pk=package.pk).update(main_library="H5P.MultiChoice")
    client.force_login(teacher)
    completed = "http://adlnet.gov/expapi/verbs/completed"

    _post(client, enrolled, _statement(verb=completed, success=True))

    result = _result(teacher, enrolled)
    assert not result.passed and result.best_scaled is None


def test_content_without_scores_passes_on_success(client, teacher, enrolled):
    client.force_login(teacher)
    completed = "http://adlnet.gov/expapi/verbs/completed"

    _post(client, enrolled, _statement(verb=completed, success=True))

    assert _result(teacher, enrolled).passed


def test_nothing_is_recorded_for_a_package_that_is_not_ready(
    client, teacher, enrolled, package
):
    H5PPackage.objects.filter(pk=package.pk).update(status="processing")
    client.force_login(teacher)

    response = _post(client, enrolled, _statement(raw=5))

    assert response.status_code == 400
    assert _nothing_recorded()


def test_a_score_with_thousands_of_digits_is_refused(client, teacher, enrolled):
    client.force_login(teacher)
    huge = int("9" * 4000)
    statement = _statement()
    statement["result"] = {"score": {"raw": huge, "min": 0, "max": huge}}

    response = _post(client, enrolled, statement)

    assert response.status_code == 400
    assert "bounds" in response.json()["error"] or "范围" in response.json()["error"]
    assert _nothing_recorded()


def _with_id(statement: dict) -> dict:
    import uuid

    return {**statement, "id": str(uuid.uuid4())}


# A real transaction (not the test's savepoint): the queries counted are the
# ones production runs, the transaction's own BEGIN and COMMIT left out.
TRANSACTION_CONTROL = ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("raw", "budget"),
    [
        # session, user, lesson, package, enrolment (with whether the lesson
        # was started), the statement (savepoint, insert, release), the result
        # locked, its update
        (3, 10),
        # ... and a better best score recomputes the course's score: the
        # course, then in a savepoint its completion locked, lessons,
        # completed lessons, scores, the update
        (5, 18),
    ],
)
def test_a_repeat_statement_query_budget(client, teacher, enrolled, raw, budget):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(teacher)
    assert _post(client, enrolled, _with_id(_statement(raw=4))).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = _post(client, enrolled, _with_id(_statement(raw=raw)))
    queries = [q["sql"] for q in captured if q["sql"] not in TRANSACTION_CONTROL]
    assert len(queries) == budget, "\n".join(queries)
    assert response.status_code == 200
    assert response.json()["attempts"] == 2


def test_a_statement_starts_a_lesson_never_opened(client, teacher, enrolled):
    # A lesson kept offline before it was opened: its first statement starts it.
    client.force_login(teacher)
    assert not LessonProgress.objects.filter(user=teacher, lesson=enrolled).exists()

    assert _post(client, enrolled, _statement(raw=1)).status_code == 200

    progress = LessonProgress.objects.get(user=teacher, lesson=enrolled)
    assert progress.status == LessonProgress.Status.STARTED
