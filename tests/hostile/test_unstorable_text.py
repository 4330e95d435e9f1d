"""NUL characters and lone surrogates, which PostgreSQL stores in neither text
nor JSON, are refused with 400 and a message before any view runs, wherever
they come in: the path, the query, a form or a JSON body."""

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.security_matrix.conftest import world  # noqa: F401 (a fixture)
from tests.security_matrix.harness import WriteWatcher

pytestmark = pytest.mark.django_db

NUL, SURROGATE = "\\u0000", "\\ud800"


def _xapi_url(w):
    return f"/learn/lessons/{w.quiz_lesson.pk}/activities/matrix-quiz/xapi/"


def _state_url(w, data_type="state"):
    return (
        f"/learn/lessons/{w.quiz_lesson.pk}/activities/matrix-quiz/state/{data_type}/0/"
    )


CASES = [
    ("verify-path", "anon", "get", lambda w: "/verify/%00/", None, None),
    ("catalog-query", "teacher", "get", lambda w: "/courses/?q=%00", None, None),
    ("state-path", "teacher", "get", lambda w: _state_url(w, "a%00b"), None, None),
    (
        "state-form",
        "teacher",
        "post",
        _state_url,
        {"data": '{"answers": ["\x00"]}'},
        None,
    ),
    (
        "xapi-nul",
        "teacher",
        "post",
        _xapi_url,
        None,
        '{"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, '
        f'"object": {{"id": "x{NUL}"}}}}',
    ),
    (
        "xapi-surrogate",
        "teacher",
        "post",
        _xapi_url,
        None,
        '{"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, '
        f'"object": {{"id": "x"}}, "result": {{"response": "{SURROGATE}"}}}}',
    ),
    (
        "xapi-key",
        "teacher",
        "post",
        _xapi_url,
        None,
        f'{{"verb": {{"id": "v"}}, "{NUL}": 1}}',
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "form", "body"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_unstorable_characters_are_refused_with_a_message(
    world,  # noqa: F811
    role,
    method,
    url,
    form,
    body,
):
    client = Client()
    if role != "anon":
        client.force_login(world.people[role])
    watcher = WriteWatcher()
    with transaction.atomic(), connection.execute_wrapper(watcher):
        if body is not None:
            response = client.post(url(world), body, content_type="application/json")
        elif method == "post":
            response = client.post(url(world), form)
        else:
            response = client.get(url(world))
        transaction.set_rollback(True)

    assert response.status_code == 400
    if response["Content-Type"].startswith("application/json"):
        message = response.json()["error"]
    else:
        message = response.content.decode()
    assert "无法保存的字符" in message
    assert not (watcher.tables - {"django_session"}), watcher.tables
