"""Who may do what with people and schools, as named predicates; and the two
helpers every app checks permissions with.

The convention, the same in every app (<app>/permissions.py):
- a predicate is a plain function `is_<role>(user)` or `can_<act>(user, obj)`
  returning a bool, and is the only place that knows which permission
  codename (or relation) a rule rests on;
- a view refuses with `@require(predicate)` (after `@login_required`, so
  visitors are sent to sign in) or, for an object, `ensure(can_x(user, obj))`;
- a service that acts for a user takes that user as a keyword-only argument
  (`actor=`; services that also record who did it keep that field's name:
  `issued_by=`, `revoked_by=`) and refuses, before it writes anything, with
  `ensure(can_x(actor, obj))`: PermissionDenied, as a view would;
- a template asks `{% if user|may:"<app>.<predicate>" %}`
  (`{% load permission_tags %}`).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role

LEARNER_ROLES = (Role.TEACHER, Role.PRINCIPAL)


def ensure(allowed: bool) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied


def require(predicate):
    """View decorator: PermissionDenied (403) unless `predicate(request.user)`."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            ensure(predicate(request.user))
            return view(request, *args, **kwargs)

        return checked

    return decorator


def is_programme_office(user) -> bool:
    """Office staff (and administrators): every school in the programme."""
    return user.has_perm("people.view_all_schools")


def leads_a_school(user) -> bool:
    """Principals: the staff of their own school(s)."""
    return user.has_perm("people.view_school_staff")


def leads_a_school_only(user) -> bool:
    """A principal's view of their school, not the office's of all schools."""
    return leads_a_school(user) and not is_programme_office(user)


def can_view_school_staff(user) -> bool:
    """May open a staff list at all; which schools it shows is
    people.selectors.schools_visible_to."""
    return leads_a_school(user) or is_programme_office(user)


def can_view_staff_of(user, school) -> bool:
    """May see the staff of this school: the office any, a principal those
    they lead."""
    from .selectors import schools_visible_to

    if is_programme_office(user):
        return True
    return (
        leads_a_school(user) and schools_visible_to(user).filter(pk=school.pk).exists()
    )


def is_learner(user) -> bool:
    """Teachers and principals: they take courses and placements and hold
    certificates."""
    from .selectors import role_of

    return role_of(user) in LEARNER_ROLES


def is_administrator(user) -> bool:
    """A superuser without a profile (no role in the programme)."""
    from .selectors import role_of

    return role_of(user) == "admin"


def is_signed_in(user) -> bool:
    return user.is_authenticated


def can_enter_content_admin(user) -> bool:
    return user.has_perm("wagtailadmin.access_admin")


def can_enter_system_admin(user) -> bool:
    return user.is_superuser


def can_manage_accounts(user) -> bool:
    """May create and change accounts (the office: imports, the user admin)."""
    return user.has_perm("people.add_user")
