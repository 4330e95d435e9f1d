"""Password rules (Django's validators, Chinese messages) wherever a password
is chosen: changing one's own, the reset link, accounts made by the office."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _change(client, new):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3$xy", "密码太短，至少需要 8 个字符。"),
        ("password123", "这个密码太常见了。"),
        ("20200601318", "密码只包含数字。"),
        ("ahuo.lahar", "密码跟 用户名 太相似了。"),
        ("ahuolaha@demo", "太相似了"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_reason(client, password, message):
    user = UserFactory(username="ahuo.laha", email="ahuolaha@example.org")
    client.force_login(user)

    response = _change(client, password)

    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_good_password_is_accepted(client):
    user = UserFactory()
    client.force_login(user)

    response = _change(client, "乐山-美姑-2021-洪溪")

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("乐山-美姑-2021-洪溪")


def test_office_cannot_give_a_new_account_a_weak_password(client, office, school):
    client.force_login(office)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "new.teacher",
            "email": "new@example.org",
            "name": "吉克阿呷",
            "password1": "12345678",
            "password2": "12345678",
            "role": "teacher",
            "school": school.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "这个密码太常见了。" in response.content.decode()
    assert not type(office).objects.filter(username="new.teacher").exists()
