import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from people.models import Profile, Role, User
from tests.factories import PASSWORD, UserFactory

# Role fixtures are requested by name at run time, so mark the database use here.
pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ꆈꌠ-first-password-2020"


def _create_data(school, **overrides):
    data = {
        "username": "t.new01",
        "email": "t.new01@example.org",
        "name": "ꀊꁨ新老师",
        "role": Role.TEACHER,
        "school": school.pk,
        "subject": Profile.Subject.YI,
        "is_seed_teacher": "on",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def _edit_data(user, **overrides):
    profile = user.profile
    data = {
        "username": user.username,
        "email": user.email,
        "name": user.name,
        "is_active": "on",
        "role": profile.role,
        "school": profile.school_id or "",
        "subject": profile.subject,
        "groups": [g.pk for g in user.groups.all()],
        "password1": "",
        "password2": "",
    }
    data.update(overrides)
    return data


def _group_names(user):
    return set(user.groups.values_list("name", flat=True))


def test_user_form_has_name_and_profile_fields_instead_of_first_last(client, office):
    client.force_login(office)

    response = client.get(reverse("wagtailusers_users:add"))

    fields = set(response.context["form"].fields)
    assert response.status_code == 200
    assert {"username", "name", "role", "school", "subject"} <= fields
    assert not {"first_name", "last_name"} & fields


def test_office_creates_user_with_profile_role_group_and_first_login_flag(
    client, office, school
):
    client.force_login(office)

    response = client.post(reverse("wagtailusers_users:add"), _create_data(school))

    assert response.status_code == 302
    user = User.objects.get(username="t.new01")
    assert user.name == "ꀊꁨ新老师"
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password is True
    assert (user.profile.role, user.profile.school) == (Role.TEACHER, school)
    assert user.profile.subject == Profile.Subject.YI
    assert user.profile.is_seed_teacher is True
    assert _group_names(user) == {Role.TEACHER}


def test_created_user_must_choose_a_password_at_first_login(client, office, school):
    client.force_login(office)
    client.post(reverse("wagtailusers_users:add"), _create_data(school))
    client.logout()

    client.post("/accounts/login/", {"login": "t.new01", "password": NEW_PASSWORD})
    response = client.get("/me/")

    assert (response.status_code, response.url) == (302, "/accounts/password/change/")


def test_create_user_rejects_unknown_role(client, office, school):
    client.force_login(office)

    response = client.post(
        reverse("wagtailusers_users:add"), _create_data(school, role="headmaster")
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="t.new01").exists()


def test_office_edit_changes_role_and_group(client, office, teacher, other_school):
    client.force_login(office)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[teacher.pk]),
        _edit_data(teacher, role=Role.PRINCIPAL, school=other_school.pk),
    )

    assert response.status_code == 302
    teacher.refresh_from_db()
    teacher.profile.refresh_from_db()
    assert teacher.profile.role == Role.PRINCIPAL
    assert teacher.profile.school == other_school
    assert _group_names(teacher) == {Role.PRINCIPAL}


def test_edit_form_starts_from_the_profile(client, office, teacher):
    client.force_login(office)

    response = client.get(reverse("wagtailusers_users:edit", args=[teacher.pk]))

    form = response.context["form"]
    assert form.initial["role"] == Role.TEACHER
    assert form.initial["school"] == teacher.profile.school_id


def test_editing_a_user_without_profile_creates_one(client, office, school):
    user = UserFactory()
    client.force_login(office)

    client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "username": user.username,
            "email": user.email,
            "name": user.name,
            "is_active": "on",
            "role": Role.MENTOR,
            "school": school.pk,
        },
    )

    profile = Profile.objects.get(user=user)
    assert (profile.role, profile.school) == (Role.MENTOR, school)
    assert _group_names(user) == {Role.MENTOR}


def test_office_cannot_create_a_superuser(client, office, school):
    client.force_login(office)

    client.post(
        reverse("wagtailusers_users:add"), _create_data(school, is_superuser="on")
    )

    user = User.objects.get(username="t.new01")
    assert user.is_superuser is False


def test_office_cannot_grant_extra_groups(client, office, school):
    editors = Group.objects.get(name="Editors")
    client.force_login(office)

    client.post(
        reverse("wagtailusers_users:add"),
        _create_data(school, groups=[editors.pk, Group.objects.get(name="office").pk]),
    )

    assert _group_names(User.objects.get(username="t.new01")) == {Role.TEACHER}


def test_office_cannot_make_an_existing_user_superuser(client, office, teacher):
    client.force_login(office)

    client.post(
        reverse("wagtailusers_users:edit", args=[teacher.pk]),
        _edit_data(teacher, is_superuser="on"),
    )

    teacher.refresh_from_db()
    assert teacher.is_superuser is False


def test_office_cannot_open_or_change_a_superusers_account(client, office, admin_user):
    client.force_login(office)
    url = reverse("wagtailusers_users:edit", args=[admin_user.pk])

    page = client.get(url)
    posted = client.post(
        url,
        {
            "username": admin_user.username,
            "email": admin_user.email,
            "name": "taken over",
            "is_active": "on",
            "role": Role.TEACHER,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    admin_user.refresh_from_db()
    # Wagtail's admin turns PermissionDenied into a redirect to its dashboard.
    assert (page.status_code, page.url) == (302, reverse("wagtailadmin_home"))
    assert (posted.status_code, posted.url) == (302, reverse("wagtailadmin_home"))
    assert admin_user.check_password(PASSWORD)
    assert admin_user.name != "taken over"
    assert not Profile.objects.filter(user=admin_user).exists()


def test_office_edit_page_shows_admin_rights_and_groups_read_only(
    client, office, teacher
):
    client.force_login(office)

    response = client.get(reverse("wagtailusers_users:edit", args=[teacher.pk]))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.fields["is_superuser"].disabled
    assert form.fields["groups"].disabled


def test_superuser_can_create_a_superuser_with_extra_groups(client, admin_user, school):
    editors = Group.objects.get(name="Editors")
    client.force_login(admin_user)

    client.post(
        reverse("wagtailusers_users:add"),
        _create_data(school, is_superuser="on", groups=[editors.pk]),
    )

    user = User.objects.get(username="t.new01")
    assert user.is_superuser is True
    assert _group_names(user) == {"Editors", Role.TEACHER}


def test_superuser_can_edit_another_superuser(client, admin_user, school):
    other_admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[other_admin.pk]),
        {
            "username": other_admin.username,
            "email": other_admin.email,
            "name": "新管理员",
            "is_active": "on",
            "is_superuser": "on",
            "role": Role.OFFICE,
            "school": school.pk,
        },
    )

    other_admin.refresh_from_db()
    assert response.status_code == 302
    assert other_admin.name == "新管理员"
    assert other_admin.is_superuser is True


@pytest.mark.parametrize("role_fixture", ["trainer", "principal", "teacher"])
def test_user_admin_is_closed_to_roles_other_than_office(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(reverse("wagtailusers_users:add"))

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response.url.startswith(reverse("wagtailusers_users:index"))
