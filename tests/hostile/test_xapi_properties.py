"""Properties of the xAPI endpoint, whatever a (forged) player sends:
never a server error; anything refused is a 4xx with a message and stores
nothing; what is accepted counts exactly as the rules say."""

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses.models import ActivityResult, XAPIStatement
from courses.selectors import activity_iri

from .conftest import ACTIVITY_ID, PASS_MARK

pytestmark = pytest.mark.django_db

VERBS = ["answered", "completed", "passed", "failed", "attempted", "interacted"]
PREFIX = "http://adlnet.gov/expapi/verbs/"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
numbers = (
    st.integers(min_value=-5, max_value=15)
    | st.floats(min_value=-2, max_value=12, allow_nan=False)
    | st.just(True)
    | st.just("3")
    | st.none()
)


@st.composite
def scores(draw):
    """Scores of every shape: consistent, out of bounds, mistyped, partial."""
    score = {}
    for key in draw(st.sets(st.sampled_from(["raw", "min", "max", "scaled"]))):
        score[key] = draw(numbers)
    if draw(st.booleans()):  # often a consistent score, as H5P sends
        maximum = draw(st.integers(min_value=1, max_value=10))
        raw = draw(st.integers(min_value=0, max_value=maximum))
        score = {"raw": raw, "min": 0, "max": maximum, "scaled": raw / maximum}
    return score


@st.composite
def statements(draw):
    """Statements close to what the player sends, with every part mutated."""
    statement = {
        "actor": draw(json_values),
        "verb": {"id": PREFIX + draw(st.sampled_from(VERBS))},
        "object": {"id": QUIZ_IRI},
    }
    result = {}
    if draw(st.booleans()):
        result["score"] = draw(scores() | json_values)
    if draw(st.booleans()):
        result["success"] = draw(st.booleans() | json_values)
    if result or draw(st.booleans()):
        statement["result"] = result if draw(st.booleans()) else draw(json_values)
    if draw(st.booleans()):
        parent = [{"id": QUIZ_IRI}]
        statement["context"] = {"contextActivities": {"parent": parent}}
    for key in draw(st.sets(st.sampled_from(["verb", "object"]), max_size=1)):
        statement[key] = draw(json_values)
    return statement


# Stands for the quiz's own IRI in generated statements; _about fills it in.
QUIZ_IRI = "http://127.0.0.1/h5p/quiz"


def _about(lesson, body):
    if isinstance(body, bytes):
        return body
    return body.replace(QUIZ_IRI, activity_iri(lesson, ACTIVITY_ID))


def _url(lesson):
    return reverse("courses:xapi_statement", args=[lesson.pk, ACTIVITY_ID])


def _counts(user):
    return (
        XAPIStatement.objects.filter(user=user).count(),
        ActivityResult.objects.filter(user=user).count(),
    )


def _post(client, lesson, body, content_type="application/json"):
    """One request inside a savepoint rolled back afterwards, so examples do
    not see each other's rows. Returns the response and the row counts it
    left behind."""
    with transaction.atomic():
        user = lesson._teacher
        before = _counts(user)
        response = client.post(
            _url(lesson), _about(lesson, body), content_type=content_type
        )
        after = _counts(user)
        transaction.set_rollback(True)
    return response, before, after


@pytest.fixture
def player(client, teacher, enrolled_quiz):
    client.force_login(teacher)
    enrolled_quiz._teacher = teacher
    return client, enrolled_quiz


def _assert_answered_or_refused(response, before, after):
    # 415: an empty body, which the test client sends without a content type.
    assert response.status_code in (200, 400, 413, 415), response.status_code
    body = response.json()
    if response.status_code == 200:
        assert body["recorded"] is True
        assert after[0] == before[0] + 1
    else:
        assert body["error"]
        assert after == before, "a refused statement left rows behind"


@given(body=json_values)
def test_any_json_is_answered_or_refused_with_a_message(player, body):
    client, lesson = player

    _assert_answered_or_refused(*_post(client, lesson, json.dumps(body)))


@given(body=st.binary(max_size=300))
def test_any_bytes_are_answered_or_refused_with_a_message(player, body):
    client, lesson = player

    _assert_answered_or_refused(*_post(client, lesson, body))


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_a_statement_not_sent_as_json_is_refused(player, content_type):
    """A multipart body used to end in a server error: the middleware had
    read the form from the stream, and the view could not read the body."""
    client, lesson = player
    body = '{"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}'
    if content_type == "multipart/form-data":
        content_type = "multipart/form-data; boundary=BoUnDaRy"
        body = '--BoUnDaRy\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n'
        body += "--BoUnDaRy--\r\n"

    response, before, after = _post(client, lesson, body, content_type)

    assert response.status_code == 415
    assert response.json()["error"]
    assert after == before


@given(statement=statements())
def test_mutated_statements_are_answered_or_refused(player, statement):
    client, lesson = player

    _assert_answered_or_refused(*_post(client, lesson, json.dumps(statement)))


def test_a_statement_over_the_size_limit_is_refused(player):
    client, lesson = player
    statement = {"verb": {"id": PREFIX + "answered"}, "object": {"id": "x" * 70_000}}

    response, before, after = _post(client, lesson, json.dumps(statement))

    assert response.status_code == 413
    assert after == before


@st.composite
def valid_attempts(draw):
    """Well-formed statements a player could send in one sitting."""
    verb = draw(st.sampled_from(["answered", "completed", "passed", "failed"]))
    maximum = draw(st.integers(min_value=1, max_value=10))
    raw = draw(st.integers(min_value=0, max_value=maximum))
    statement = {
        "verb": {"id": PREFIX + verb},
        "object": {"id": QUIZ_IRI},
        "result": {"score": {"raw": raw, "min": 0, "max": maximum}},
    }
    top_level = draw(st.booleans())
    if not top_level:
        parent = [{"id": QUIZ_IRI}]
        statement["context"] = {"contextActivities": {"parent": parent}}
    scaled = Decimal(str(round(raw / maximum, 4)))
    return statement, verb, scaled, top_level


@given(attempts=st.lists(valid_attempts(), min_size=1, max_size=6))
def test_the_result_follows_the_rules_for_any_sequence(player, attempts):
    """Best score: the highest top-level score. Passed: once any top-level
    statement that is not `failed` reaches the pass mark, for good. Only
    top-level statements count; every statement is stored."""
    client, lesson = player
    with transaction.atomic():
        for statement, *_ in attempts:
            response = client.post(
                _url(lesson),
                _about(lesson, json.dumps(statement)),
                content_type="application/json",
            )
            assert response.status_code == 200
        counted = [a for a in attempts if a[3]]
        result = ActivityResult.objects.filter(user=lesson._teacher).first()
        stored = XAPIStatement.objects.filter(user=lesson._teacher).count()
        transaction.set_rollback(True)

    assert stored == len(attempts)
    if not counted:
        assert result is None or result.best_scaled is None
        return
    assert result.best_scaled == max(scaled for _s, _v, scaled, _t in counted)
    passes = [v != "failed" and s >= Decimal(PASS_MARK) / 100 for _, v, s, _ in counted]
    assert result.passed == any(passes)
    assert result.attempts >= 1


def test_deeply_nested_json_is_refused_not_a_server_error(player):
    client, lesson = player
    body = "[" * 30_000 + "]" * 30_000

    response, before, after = _post(client, lesson, body)

    assert response.status_code == 400
    assert after == before


def test_a_deep_but_parseable_statement_is_stored_or_refused(player):
    client, lesson = player
    deep = "[" * 900 + "]" * 900
    body = (
        '{"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, '
        f'"object": {{"id": "x"}}, "context": {{"extensions": {deep}}}}}'
    )

    response, before, after = _post(client, lesson, body)

    _assert_answered_or_refused(response, before, after)
