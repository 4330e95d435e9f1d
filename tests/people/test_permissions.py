"""The predicates of people.permissions for each role, and the helpers every
app checks permissions with (require, ensure, the `may` template filter)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from people import permissions
from tests.factories import UserFactory

ROLES = ["teacher", "principal", "mentor", "trainer", "office", "admin_user"]

# predicate: the roles for which it holds (everyone else: false).
EXPECTED = {
    "is_programme_office": {"office", "admin_user"},
    "leads_a_school": {"principal", "admin_user"},
    "leads_a_school_only": {"principal"},
    "can_view_school_staff": {"principal", "office", "admin_user"},
    "is_learner": {"teacher", "principal"},
    "is_administrator": {"admin_user"},
    "is_signed_in": set(ROLES),
    "can_enter_content_admin": {"trainer", "office", "admin_user"},
    "can_enter_system_admin": {"admin_user"},
    "can_manage_accounts": {"office", "admin_user"},
}


@pytest.mark.parametrize("role_fixture", ROLES)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_people_predicate_holds_for_exactly_its_roles(
    db, request, role_fixture, predicate
):
    user = request.getfixturevalue(role_fixture)

    allowed = getattr(permissions, predicate)(user)

    assert allowed is (role_fixture in EXPECTED[predicate])


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_people_predicates_refuse_visitors(predicate):
    from django.contrib.auth.models import AnonymousUser

    assert getattr(permissions, predicate)(AnonymousUser()) is False


def test_can_view_staff_of_own_school_only_for_its_principal(
    teacher, principal, office, school, other_school
):
    assert permissions.can_view_staff_of(principal, school)
    assert not permissions.can_view_staff_of(principal, other_school)
    assert not permissions.can_view_staff_of(teacher, school)
    assert permissions.can_view_staff_of(office, other_school)


def test_can_view_staff_of_schools_a_principal_also_leads(principal, other_school):
    principal.profile.supervised_schools.add(other_school)

    assert permissions.can_view_staff_of(principal, other_school)


def test_ensure_raises_permission_denied_only_when_refused():
    permissions.ensure(True)
    with pytest.raises(PermissionDenied):
        permissions.ensure(False)


def test_require_refuses_a_view_to_users_the_predicate_refuses(teacher, office):
    @permissions.require(permissions.is_programme_office)
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = office
    assert view(request).content == b"ok"
    request.user = teacher
    with pytest.raises(PermissionDenied):
        view(request)


def test_may_filter_asks_an_apps_predicate_by_name(teacher, office):
    template = Template(
        '{% load permission_tags %}{% if user|may:"people.is_programme_office" %}'
        "office{% else %}no{% endif %}"
    )

    assert template.render(Context({"user": office})) == "office"
    assert template.render(Context({"user": teacher})) == "no"


def test_may_filter_fails_loudly_for_an_unknown_predicate(db):
    template = Template('{% load permission_tags %}{{ user|may:"people.no_such" }}')

    with pytest.raises(AttributeError):
        template.render(Context({"user": UserFactory()}))
