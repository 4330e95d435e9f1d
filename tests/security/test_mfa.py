"""Two-factor authentication (allauth.mfa, TOTP): open to everyone, required
for office staff and administrators, who can use nothing else until they have
an authenticator app; demo accounts keep working with a published secret."""

import base64
import re
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from people.adapters import MFAAdapter
from people.backends import DemoAwareAuthenticationBackend
from people.mfa import (
    DEMO_TOTP_SECRET,
    has_totp,
    mfa_required,
    totp_code,
    totp_missing,
    totp_secret_of,
    totp_set_secret,
)
from people.middleware import RequireTwoFactorMiddleware
from people.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.fixtures.people import TEST_TOTP_SECRET, totp_now, with_totp

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def _sign_in_with_password(client, user):
    return client.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}
    )


def _sign_in(client, user):
    """A real sign-in (two-factor changes need a recent one, not force_login)."""
    response = _sign_in_with_password(client, user)
    if response["Location"] == AUTHENTICATE:
        response = client.post(AUTHENTICATE, {"code": totp_now()})
    assert client.session["_auth_user_id"] == str(user.pk)
    return response


def _zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def _activate(client):
    """Open the set-up page and answer with the code for its secret."""
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret
    return client.post(ACTIVATE, {"code": totp_code(secret)}), secret


@pytest.mark.parametrize(
    "path", ["/office/", "/office/certificates/", "/import/", "/cms/", "/me/"]
)
def test_office_without_an_authenticator_is_sent_to_set_one_up(
    client, office_without_totp, path
):
    client.force_login(office_without_totp)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_admin_without_an_authenticator_cannot_open_the_django_admin(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get("/django-admin/")

    assert response["Location"] == ACTIVATE


def test_office_without_an_authenticator_may_still_sign_out_and_switch_language(
    client, office_without_totp
):
    _sign_in(client, office_without_totp)

    assert client.get(ACTIVATE).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setup_page_shows_a_qr_code_and_the_key_in_chinese(client, office_without_totp):
    _sign_in(client, office_without_totp)

    response = client.get("/office/", follow=True)

    html = response.content.decode()
    assert "启用身份验证器应用" in html
    messages = [m.message for m in response.context["messages"]]
    assert _zh(RequireTwoFactorMiddleware.message) in messages
    secret = response.context["form"].secret
    assert secret in html
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    svg = base64.b64decode(uri).decode()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_office_sets_up_the_app_right_after_signing_in_and_then_works(
    client, office_without_totp
):
    response = _sign_in_with_password(client, office_without_totp)
    assert response.status_code == 302
    # No second password prompt: the sign-in a moment ago is confirmation enough.
    assert client.get("/office/")["Location"] == ACTIVATE

    response, secret = _activate(client)

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert totp_secret_of(office_without_totp) == secret
    assert client.get("/office/").status_code == 200
    assert AuditEvent.objects.filter(
        action="mfa_activate", actor=office_without_totp
    ).exists()


def test_a_wrong_code_does_not_activate(client, office_without_totp):
    _sign_in(client, office_without_totp)
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        _zh(MFAAdapter.error_messages["incorrect_code"])
    ]
    assert not has_totp(office_without_totp)


def test_office_with_an_authenticator_must_enter_a_code_to_sign_in(client, office):
    response = _sign_in_with_password(client, office)

    assert response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    page = client.get(AUTHENTICATE)
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in (
        page.content.decode()
    )

    response = client.post(AUTHENTICATE, {"code": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        _zh(MFAAdapter.error_messages["incorrect_code"])
    ]
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="mfa_failed", target=office.username)

    response = client.post(AUTHENTICATE, {"code": totp_now()}, follow=True)

    assert response.redirect_chain[-1] == ("/office/", 302)
    assert response.wsgi_request.user == office


def test_a_code_works_only_once(client, office):
    code = totp_now()
    _sign_in_with_password(client, office)
    client.post(AUTHENTICATE, {"code": code})
    client.logout()

    _sign_in_with_password(client, office)
    response = client.post(AUTHENTICATE, {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_office_cannot_turn_two_factor_authentication_off(client, office):
    _sign_in(client, office)

    page = client.get(reverse("mfa_deactivate_totp"))
    response = client.post(reverse("mfa_deactivate_totp"))

    assert "您不能停用两步验证" in page.content.decode()
    assert response.status_code == 200
    assert has_totp(office)


def test_teacher_may_use_two_factor_authentication_and_turn_it_off(client, teacher):
    _sign_in(client, teacher)
    assert client.get("/learn/").status_code == 200  # not required of teachers

    _activate(client)
    assert has_totp(teacher)
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not has_totp(teacher)
    assert list(
        AuditEvent.objects.filter(target=teacher.username)
        .filter(action__startswith="mfa")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["mfa_activate", "mfa_deactivate"]


def test_recovery_code_signs_in_once_when_the_phone_is_lost(client, teacher):
    _sign_in(client, teacher)
    _activate(client)
    codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
    client.logout()

    _sign_in_with_password(client, teacher)
    response = client.post(AUTHENTICATE, {"code": codes[0]})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


def test_requirement_covers_office_staff_and_administrators_only(
    teacher, principal, trainer, mentor, office, admin_user
):
    assert [mfa_required(u) for u in (teacher, principal, trainer, mentor)] == [
        False
    ] * 4
    assert mfa_required(office) and mfa_required(admin_user)
    assert not totp_missing(office) and not totp_missing(admin_user)


def test_loading_the_signed_in_user_answers_the_requirement_in_one_query(
    office_without_totp, django_assert_num_queries
):
    backend = DemoAwareAuthenticationBackend()

    # 1: the user with their role and whether they have an authenticator app.
    with django_assert_num_queries(1):
        user = backend.get_user(office_without_totp.pk)
        assert totp_missing(user)


def test_administrator_can_remove_a_lost_authenticator(client, admin_user, office):
    client.force_login(admin_user)
    authenticator = Authenticator.objects.get(user=office, type="totp")

    response = client.post(
        f"/django-admin/mfa/authenticator/{authenticator.pk}/delete/",
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not has_totp(office)
    event = AuditEvent.objects.get(action="mfa_deactivate", target=office.username)
    assert event.actor == admin_user


# The demo


def test_seed_demo_gives_demo_office_and_admin_the_published_secret(db):
    call_command("seed_demo", stdout=StringIO())

    secrets = {
        user.username: totp_secret_of(user)
        for user in UserFactory._meta.model.objects.filter(is_demo=True)
    }
    assert secrets["office"] == secrets["admin"] == DEMO_TOTP_SECRET
    assert secrets["teacher"] is None


def test_demo_totp_prints_the_code_of_the_demo_office(db, settings):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()

    call_command("demo_totp", "office", stdout=out)

    # The 30-second window may turn between the command and this line.
    now = time.time()
    assert out.getvalue().strip() in {
        totp_code(DEMO_TOTP_SECRET, now - 2),
        totp_code(DEMO_TOTP_SECRET, now),
    }


def test_demo_totp_never_prints_a_real_accounts_code(office, settings):
    office.is_demo = False
    office.save()

    with pytest.raises(CommandError):
        call_command("demo_totp", office.username, stdout=StringIO())


def test_demo_totp_refuses_a_demo_account_with_its_own_secret(office):
    office.is_demo = True
    office.save()
    totp_set_secret(user=office, secret=TEST_TOTP_SECRET)

    with pytest.raises(CommandError):
        call_command("demo_totp", office.username, stdout=StringIO())


def test_two_factor_page_offers_turning_it_off_only_to_those_who_may(
    client, office, teacher
):
    deactivate = reverse("mfa_deactivate_totp")
    _sign_in(client, office)
    office_page = client.get(reverse("mfa_index")).content.decode()
    client.logout()
    with_totp(teacher)
    _sign_in(client, teacher)
    teacher_page = client.get(reverse("mfa_index")).content.decode()

    assert deactivate not in office_page
    assert deactivate in teacher_page


def test_wagtails_own_sign_in_form_cannot_skip_the_second_factor(client, office):
    response = client.post(
        "/cms/login/?next=/cms/pages/",
        {"username": office.username, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cms/pages/"
    assert "_auth_user_id" not in client.session


def test_wagtail_does_not_change_or_reset_passwords_itself(client, trainer):
    assert client.get("/cms/password_reset/").status_code == 404
    client.force_login(trainer)
    assert client.get("/cms/account/change_password/").status_code == 404


def test_django_admins_own_password_form_is_allauths(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/django-admin/password_change/")

    assert response["Location"] == reverse("account_change_password")
