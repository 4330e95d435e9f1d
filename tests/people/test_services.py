import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from people.models import Profile, Role, User
from people.services import profile_set_role, user_create, user_password_changed
from tests.factories import PASSWORD, ProfileFactory


def _role_groups(user):
    return set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


def test_user_create_makes_user_profile_and_role_group(school):
    user = user_create(
        username="ahxi",
        name="阿赫溪",
        role=Role.TEACHER,
        email="ahxi@example.org",
        password=PASSWORD,
        school=school,
        subject=Profile.Subject.MATHS,
        is_seed_teacher=True,
    )

    user.refresh_from_db()
    assert user.name == "阿赫溪"
    assert user.check_password(PASSWORD)
    assert user.profile.role == Role.TEACHER
    assert user.profile.school == school
    assert user.profile.subject == Profile.Subject.MATHS
    assert user.profile.is_seed_teacher is True
    assert _role_groups(user) == {Role.TEACHER}


def test_user_create_without_password_leaves_it_unusable(school):
    user = user_create(username="nopass", name="无密码", role=Role.TEACHER)

    assert not user.has_usable_password()


def test_self_created_account_need_not_change_password(school):
    user = user_create(username="self", name="自建", role=Role.TEACHER, school=school)

    assert user.must_change_password is False


def test_account_created_by_office_must_change_password(school, office):
    user = user_create(
        username="made",
        name="代建",
        role=Role.TEACHER,
        school=school,
        created_by=office,
    )

    user.refresh_from_db()
    assert user.must_change_password is True


def test_user_create_with_invalid_role_raises_and_writes_nothing(school):
    users_before = User.objects.count()

    with pytest.raises(ValidationError):
        user_create(username="bad", name="错误", role="headmaster", school=school)

    assert User.objects.count() == users_before
    assert not User.objects.filter(username="bad").exists()
    assert not Profile.objects.filter(user__username="bad").exists()


def test_user_create_rejects_invalid_username(school):
    with pytest.raises(ValidationError):
        user_create(username="has space", name="空格", role=Role.TEACHER)

    assert not User.objects.filter(username="has space").exists()


def test_profile_set_role_moves_group_membership(teacher):
    profile_set_role(profile=teacher.profile, role=Role.PRINCIPAL)

    teacher.refresh_from_db()
    assert teacher.profile.role == Role.PRINCIPAL
    assert _role_groups(teacher) == {Role.PRINCIPAL}
    assert teacher.has_perm("people.view_school_staff")


def test_profile_set_role_keeps_non_role_groups(teacher):
    editors = Group.objects.create(name="newsletter editors")
    teacher.groups.add(editors)

    profile_set_role(profile=teacher.profile, role=Role.MENTOR)

    assert set(teacher.groups.values_list("name", flat=True)) == {
        Role.MENTOR,
        "newsletter editors",
    }


def test_profile_set_role_with_invalid_role_raises_and_writes_nothing(teacher):
    with pytest.raises(ValidationError):
        profile_set_role(profile=teacher.profile, role="headmaster")

    assert Profile.objects.get(pk=teacher.profile.pk).role == Role.TEACHER
    assert _role_groups(teacher) == {Role.TEACHER}


def test_password_change_clears_first_login_requirement(db):
    profile = ProfileFactory(user__must_change_password=True)

    user_password_changed(user=profile.user)

    profile.user.refresh_from_db()
    assert profile.user.must_change_password is False
