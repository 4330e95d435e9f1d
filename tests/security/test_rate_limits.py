"""allauth's rate limits (the production values of lms/settings/base.py):
repeated failed sign-ins, two-factor codes and password-reset requests are
refused with a translated message, never a server error."""

import pytest
from django.core import mail
from django.urls import reverse

from people.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOO_MANY_LOGINS = "登录失败次数过多，请稍后重试。"


def _sign_in(client, login, password, **extra):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, **extra
    )


def test_five_failed_sign_ins_lock_the_account_name_for_a_while(client, rate_limits):
    user = UserFactory(username="ahuo")
    for _ in range(5):
        response = _sign_in(client, "ahuo", "wrong-password")
        assert TOO_MANY_LOGINS not in response.content.decode()

    blocked = _sign_in(client, "ahuo", "wrong-password")
    right_password_too = _sign_in(client, "ahuo", PASSWORD)

    for response in (blocked, right_password_too):
        assert response.status_code == 200
        assert TOO_MANY_LOGINS in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.username == "ahuo"


def test_a_locked_name_is_recorded_once_not_per_attempt(client, rate_limits):
    UserFactory(username="ahuo")
    for _ in range(9):
        _sign_in(client, "ahuo", "wrong-password")

    assert AuditEvent.objects.filter(action="login_failed").count() == 5
    event = AuditEvent.objects.get(action="login_rate_limited")
    assert event.target == "ahuo" and event.ip == "127.0.0.1"


def test_one_address_trying_many_names_is_limited_too(client, rate_limits):
    for n in range(20):
        _sign_in(client, f"name{n}", "wrong-password")

    response = _sign_in(client, "name-21", "wrong-password")

    assert TOO_MANY_LOGINS in response.content.decode()


def test_other_people_behind_another_address_still_sign_in(client, rate_limits):
    user = UserFactory()
    for n in range(20):
        _sign_in(client, f"name{n}", "wrong", REMOTE_ADDR="198.51.100.7")

    response = _sign_in(client, user.username, PASSWORD, REMOTE_ADDR="198.51.100.8")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_guessing_two_factor_codes_is_limited(client, office, rate_limits):
    _sign_in(client, office.username, PASSWORD)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    assert response.status_code == 200
    assert TOO_MANY_LOGINS in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_for_one_address_are_limited(
    client, rate_limits, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ahuo@example.org")
    url = reverse("account_reset_password")
    with django_capture_on_commit_callbacks(execute=True):
        with_mail = [client.post(url, {"email": user.email}) for _ in range(3)]
        response = client.post(url, {"email": user.email})

    assert [r.status_code for r in with_mail] == [302] * 3
    assert response.status_code == 429
    html = response.content.decode()
    assert "请求过于频繁" in html and 'lang="zh-hans"' in html
    assert len(mail.outbox) == 3


def test_password_reset_limit_is_per_address(client, rate_limits):
    url = reverse("account_reset_password")
    for _ in range(3):
        client.post(url, {"email": "a@example.org"})

    response = client.post(url, {"email": "b@example.org"})

    assert response.status_code == 302
