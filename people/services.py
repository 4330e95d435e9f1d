"""Writes for people: accounts, profiles and roles."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Profile, Role, School, User


@transaction.atomic
def user_create(
    *,
    username: str,
    name: str,
    role: str,
    email: str = "",
    password: str | None = None,
    school: School | None = None,
    subject: str = "",
    is_seed_teacher: bool = False,
    created_by: User | None = None,
    is_demo: bool = False,
) -> User:
    """Create a user with a profile and the group of their role.

    Accounts created by someone else (the programme office) must change their
    password at first login. Raises ValidationError on invalid data.
    """
    user = User(
        username=username,
        name=name,
        email=email,
        is_demo=is_demo,
        must_change_password=created_by is not None,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    profile = Profile(
        user=user,
        role=role,
        school=school,
        subject=subject,
        is_seed_teacher=is_seed_teacher,
    )
    profile.full_clean()
    profile.save()
    _sync_role_group(user, role)
    return user


@transaction.atomic
def profile_set_role(*, profile: Profile, role: str) -> Profile:
    """Change a person's role; their group membership follows it.

    Raises ValidationError for an unknown role.
    """
    profile.role = role
    profile.full_clean()
    profile.save(update_fields=["role"])
    _sync_role_group(profile.user, role)
    return profile


def _sync_role_group(user: User, role: str) -> None:
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups.exclude(name=role))
    user.groups.add(Group.objects.get(name=role))


def user_password_changed(*, user: User) -> None:
    """The first-login requirement is met once the user sets their own password."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
