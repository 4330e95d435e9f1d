"""Properties of the JSON endpoints, as the enrolled learner whose player
talks to them: the xAPI statement endpoint (a JSON body) and the player's
resume state (JSON text in a form field, answered in JSON). Whatever comes
in, never a server error; a refusal stores nothing.

tests/hostile/test_xapi_properties.py holds the xAPI rules; here the bodies
are wilder: NaN and infinities (Python's JSON reads them, PostgreSQL's jsonb
does not), integers of any size, any Unicode, any bytes."""

import json

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from courses.models import ActivityResult, H5PUserData, XAPIStatement
from courses.selectors import activity_iri

from .conftest import ACTIVITY_ID

pytestmark = pytest.mark.django_db

PREFIX = "http://adlnet.gov/expapi/verbs/"

any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 10**400, -(10**400)])
    | st.floats()  # NaN and ±Infinity included
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Numbers where the judging reads them, so they reach the stored statement.
wild_numbers = st.floats() | st.integers() | st.sampled_from([2**63, 10**400])


@st.composite
def statements_with_wild_numbers(draw, iri):
    score = draw(
        st.dictionaries(
            st.sampled_from(["raw", "min", "max", "scaled"]), wild_numbers, max_size=4
        )
    )
    return {
        "verb": {"id": PREFIX + draw(st.sampled_from(["answered", "completed"]))},
        "object": {"id": iri},
        "result": {"score": score, "duration": draw(any_json)},
        "context": {"extensions": {"x": draw(wild_numbers | any_json)}},
    }


@pytest.fixture
def learner(client, teacher, enrolled_quiz):
    client.force_login(teacher)
    return client, teacher, enrolled_quiz


def _xapi_counts(user):
    return (
        XAPIStatement.objects.filter(user=user).count(),
        ActivityResult.objects.filter(user=user).count(),
    )


def _post_statement(learner, body: bytes | str):
    client, user, lesson = learner
    url = reverse("courses:xapi_statement", args=[lesson.pk, ACTIVITY_ID])
    with transaction.atomic():
        before = _xapi_counts(user)
        response = client.post(url, body, content_type="application/json")
        after = _xapi_counts(user)
        transaction.set_rollback(True)
    assert response.status_code < 500
    body = response.json()
    if response.status_code == 200:
        assert after[0] == before[0] + 1
    else:
        assert response.status_code in (400, 413, 415), response.status_code
        assert body["error"]
        assert after == before, "a refused statement left rows behind"
    return response


@given(body=any_json)
@example(body={"verb": {"id": PREFIX + "answered"}, "object": {"id": "x"}, "n": 1e999})
def test_any_json_value_is_recorded_or_refused(learner, body):
    _post_statement(learner, json.dumps(body))


@given(data=st.data())
def test_wild_numbers_in_a_statement_are_recorded_or_refused(learner, data):
    iri = activity_iri(learner[2], ACTIVITY_ID)

    _post_statement(learner, json.dumps(data.draw(statements_with_wild_numbers(iri))))


@given(body=st.text() | st.binary())
@example(body="\ufeff{}")
@example(body="9" * 5000)  # past Python's limit on digits in an integer
def test_any_text_or_bytes_as_a_body_are_recorded_or_refused(learner, body):
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    _post_statement(learner, body)


# The player's resume state -------------------------------------------------

state_names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80)
state_names = state_names.filter(
    lambda name: "/" not in name and name not in (".", "..")
)


def _state_url(lesson, data_type, sub_content_id):
    return reverse(
        "courses:h5p_user_data",
        args=[lesson.pk, ACTIVITY_ID, data_type, sub_content_id],
    )


@given(
    data_type=state_names,
    sub_content_id=state_names,
    data=st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
    | any_json.map(json.dumps),
)
@example(data_type="d" * 70, sub_content_id="0", data='{"answers": [1]}')
def test_a_saved_state_reads_back_or_is_refused(
    learner, data_type, sub_content_id, data
):
    """What the player saves it reads back as it was, under any name; "0"
    resets; anything refused says why in JSON and stores nothing."""
    client, user, lesson = learner
    url = _state_url(lesson, data_type, sub_content_id)
    with transaction.atomic():
        before = H5PUserData.objects.filter(user=user).count()
        saved = client.post(url, {"data": data})
        after = H5PUserData.objects.filter(user=user).count()
        read = client.get(url)
        transaction.set_rollback(True)

    assert saved.status_code in (200, 400), saved.status_code
    if saved.status_code == 400:
        if saved["Content-Type"].startswith("application/json"):
            assert saved.json()["message"]
        else:  # a NUL, refused by cms.middleware.UnstorableTextMiddleware
            assert "\x00" in data + data_type + sub_content_id
            assert "无法保存的字符" in saved.content.decode()
        assert after == before
        return
    assert saved.json() == {"success": True}
    assert read.status_code == 200
    expected = False if data == "0" else data
    assert read.json() == {"success": True, "data": expected}


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_a_statement_holding_a_non_finite_number_is_refused(learner, number):
    iri = activity_iri(learner[2], ACTIVITY_ID)
    statement = {
        "verb": {"id": PREFIX + "answered"},
        "object": {"id": iri},
        "context": {"extensions": {"x": [number]}},
    }

    response = _post_statement(learner, json.dumps(statement))

    assert response.status_code == 400
