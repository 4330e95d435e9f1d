import re

import pytest
from django.contrib.auth import get_user
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from people.models import Role, User
from tests.factories import PASSWORD, ProfileFactory, UserFactory

# Role fixtures are requested by name at run time, so mark the database use here.
pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD_CHANGE = "/accounts/password/change/"
PASSWORD_RESET = "/accounts/password/reset/"
NEW_PASSWORD = "ꆈꌠ-new-password-2020"


def _log_in(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def test_login_urls_are_under_accounts():
    assert reverse("account_login") == LOGIN
    assert reverse("account_change_password") == PASSWORD_CHANGE
    assert reverse("account_reset_password") == PASSWORD_RESET


def test_login_by_username(client, teacher):
    response = _log_in(client, teacher.username)

    assert response.status_code == 302
    assert response.url == "/start/"
    assert get_user(client).pk == teacher.pk


def test_login_message_names_the_person_by_their_yi_name(client, teacher):
    teacher.name = "ꀊꁨꃀꑭ"
    teacher.save()

    response = _log_in(client, teacher.username)

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("ꀊꁨꃀꑭ" in m for m in messages)


def test_login_by_email(client, teacher):
    response = _log_in(client, teacher.email)

    assert response.status_code == 302
    assert get_user(client).pk == teacher.pk


def test_login_by_username_ignores_case(client, teacher):
    response = _log_in(client, teacher.username.upper())

    assert response.status_code == 302
    assert get_user(client).pk == teacher.pk


def test_login_with_wrong_password_fails(client, teacher):
    response = _log_in(client, teacher.username, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not get_user(client).is_authenticated


def test_inactive_account_cannot_log_in(client, teacher):
    teacher.is_active = False
    teacher.save()

    _log_in(client, teacher.username)

    assert not get_user(client).is_authenticated


def test_public_signup_is_closed(client, db):
    users_before = User.objects.count()

    page = client.get("/accounts/signup/")
    posted = client.post(
        "/accounts/signup/",
        {
            "username": "stranger",
            "email": "stranger@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert "account/signup_closed.html" in [t.name for t in page.templates]
    assert 'name="password1"' not in page.content.decode()
    assert "account/signup_closed.html" in [t.name for t in posted.templates]
    assert User.objects.count() == users_before
    assert not get_user(client).is_authenticated


def test_password_reset_sends_an_email_with_a_reset_link(
    client, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(PASSWORD_RESET, {"email": teacher.email})

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == [teacher.email]
    assert re.search(r"/accounts/password/reset/key/\S+/", message.body)


def test_password_reset_email_names_the_platform(
    client, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PASSWORD_RESET, {"email": teacher.email})

    [message] = mail.outbox
    assert message.subject.startswith("[洪溪片区教师研修平台]")
    assert "洪溪片区教师研修平台" in message.body.splitlines()[0]


def test_password_reset_mail_waits_for_the_transaction_to_commit(
    client, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(PASSWORD_RESET, {"email": teacher.email})

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_password_reset_link_sets_new_password_and_clears_first_login_flag(
    client, db, django_capture_on_commit_callbacks
):
    user = ProfileFactory(user__must_change_password=True).user
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PASSWORD_RESET, {"email": user.email})
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body)

    # allauth moves the key from the URL into the session, then shows the form.
    form_page = client.get(link.group(0), follow=True)
    response = client.post(
        form_page.request["PATH_INFO"],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password is False


def test_forced_password_change_redirects_until_changed(client, db):
    user = ProfileFactory(role=Role.TEACHER, user__must_change_password=True).user
    client.force_login(user)

    blocked = client.get("/me/")
    change_page = client.get(PASSWORD_CHANGE)
    changed = client.post(
        PASSWORD_CHANGE,
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    after = client.get("/me/")

    user.refresh_from_db()
    assert (blocked.status_code, blocked.url) == (302, PASSWORD_CHANGE)
    assert change_page.status_code == 200
    assert changed.status_code == 302
    assert user.must_change_password is False
    assert user.check_password(NEW_PASSWORD)
    assert after.status_code == 200


@pytest.mark.parametrize("path", ["/school/", "/office/", "/cms/", "/start/"])
def test_forced_password_change_blocks_every_page(client, db, path):
    user = ProfileFactory(role=Role.OFFICE, user__must_change_password=True).user
    client.force_login(user)

    response = client.get(path)

    assert (response.status_code, response.url) == (302, PASSWORD_CHANGE)


def test_forced_password_change_still_allows_logout_and_language(client, db):
    user = ProfileFactory(user__must_change_password=True).user
    client.force_login(user)

    language = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    logout = client.post("/accounts/logout/")

    assert language.url == "/"
    assert logout.status_code == 302
    assert logout.url != PASSWORD_CHANGE
    assert not get_user(client).is_authenticated


def test_failed_password_change_keeps_the_requirement(client, db):
    user = ProfileFactory(user__must_change_password=True).user
    client.force_login(user)

    response = client.post(
        PASSWORD_CHANGE,
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert user.must_change_password is True
    assert client.get("/me/").url == PASSWORD_CHANGE


def test_demo_account_cannot_log_in_when_demo_mode_is_off(client, db, settings):
    settings.DEMO_MODE = False
    user = UserFactory(is_demo=True)

    by_username = _log_in(client, user.username)
    by_email = _log_in(client, user.email)

    assert by_username.status_code == 200
    assert by_username.context["form"].errors
    assert by_email.status_code == 200
    assert not get_user(client).is_authenticated
    user.refresh_from_db()
    assert user.last_login is None


def test_demo_account_can_log_in_when_demo_mode_is_on(client, db, settings):
    settings.DEMO_MODE = True
    user = UserFactory(is_demo=True)

    response = _log_in(client, user.username)

    assert response.status_code == 302
    assert get_user(client).pk == user.pk


def test_demo_session_ends_when_demo_mode_is_turned_off(client, db, settings):
    settings.DEMO_MODE = True
    user = UserFactory(is_demo=True)
    _log_in(client, user.username)

    settings.DEMO_MODE = False
    response = client.get("/me/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_ordinary_account_logs_in_when_demo_mode_is_off(client, teacher, settings):
    settings.DEMO_MODE = False

    _log_in(client, teacher.username)

    assert get_user(client).pk == teacher.pk


@pytest.mark.parametrize("role_fixture", ["office", "trainer", "principal", "teacher"])
def test_django_admin_is_closed_to_non_superusers(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get("/django-admin/", follow=True)

    assert response.status_code == 403


def test_django_admin_is_closed_to_staff_flag_without_superuser(client, office):
    office.is_staff = True
    office.save()
    client.force_login(office)

    response = client.get("/django-admin/people/user/", follow=True)

    assert response.redirect_chain[0][0].startswith("/django-admin/login/")
    assert "admin/change_list.html" not in [t.name for t in response.templates]


def test_django_admin_works_for_a_superuser(client, admin_user):
    client.force_login(admin_user)

    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/people/user/").status_code == 200


def test_django_admin_login_goes_through_allauth(client, db):
    response = client.get("/django-admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)


@pytest.mark.parametrize("role_fixture", ["trainer", "office", "admin_user"])
def test_wagtail_admin_opens_for_content_roles(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get("/cms/").status_code == 200


@pytest.mark.parametrize("role_fixture", ["teacher", "principal", "mentor"])
def test_wagtail_admin_is_closed_to_other_roles(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get("/cms/")

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response.url.startswith("/cms/")
