"""Sessions: everyone's last SESSION_COOKIE_AGE at most ("keep me signed in"
or until the browser closes); office staff and administrators always until the
browser closes, and only PRIVILEGED_SESSION_IDLE_SECONDS without a request."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.middleware import PRIVILEGED_SEEN_KEY
from people.models import AuditEvent
from tests.factories import PASSWORD
from tests.fixtures.people import totp_now

pytestmark = pytest.mark.django_db


def _sign_in(client, user, remember=False):
    data = {"login": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("account_login"), data)
    if response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    return response


def _session_cookie(client):
    return client.cookies[settings.SESSION_COOKIE_NAME]


def test_teacher_who_asks_to_stay_signed_in_gets_a_lasting_cookie(client, teacher):
    _sign_in(client, teacher, remember=True)

    assert _session_cookie(client)["max-age"] == settings.SESSION_COOKIE_AGE


def test_teacher_session_otherwise_ends_with_the_browser(client, teacher):
    _sign_in(client, teacher)

    assert _session_cookie(client)["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


@pytest.mark.parametrize("who", ["office", "admin_user"])
def test_office_and_admin_sessions_end_with_the_browser_even_if_asked_to_stay(
    client, request, who
):
    user = request.getfixturevalue(who)

    _sign_in(client, user, remember=True)
    client.get("/office/")  # the first request after signing in settles it

    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expire_at_browser_close()
    assert _session_cookie(client)["max-age"] == ""


def test_idle_office_session_ends_and_says_why(client, office):
    _sign_in(client, office)
    session = client.session
    idle = settings.PRIVILEGED_SESSION_IDLE_SECONDS + 5
    session[PRIVILEGED_SEEN_KEY] = int(time.time()) - idle
    session.save()

    response = client.get("/office/", follow=True)

    assert response.redirect_chain[0] == ("/accounts/login/?next=/office/", 302)
    assert "_auth_user_id" not in client.session
    assert "因长时间未操作" in response.content.decode() or response.context["messages"]
    assert AuditEvent.objects.filter(action="session_expired", actor=office).exists()


def test_active_office_session_goes_on(client, office):
    _sign_in(client, office)
    session = client.session
    session[PRIVILEGED_SEEN_KEY] = int(time.time()) - 120
    session.save()

    response = client.get("/office/")

    assert response.status_code == 200
    assert client.session[PRIVILEGED_SEEN_KEY] >= int(time.time()) - 5


def test_teacher_sessions_have_no_idle_limit(client, teacher):
    _sign_in(client, teacher)

    assert PRIVILEGED_SEEN_KEY not in client.session


def test_busy_office_session_is_not_written_on_every_request(client, office):
    _sign_in(client, office)
    client.get("/office/")
    client.get("/me/")

    with CaptureQueriesContext(connection) as captured:
        client.get("/me/")

    assert not any(
        "django_session" in q["sql"] and "UPDATE" in q["sql"]
        for q in captured.captured_queries
    )
