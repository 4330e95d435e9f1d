"""The registries the feature apps contribute to (people.registries): their
navigation links and start pages, audit actions and role grants reach people
without people importing them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from people import audit
from people.models import AuditEvent, Role
from people.navigation import nav_items_for, start_url_for
from people.registries import audit_action_choices, audit_actions, navigation
from people.roles import role_permissions

# The actions stored before the registries: their values must never change.
STORED_ACTIONS = {
    "login", "login_failed", "login_rate_limited", "logout", "session_expired",
    "password_change", "password_reset", "mfa_activate", "mfa_deactivate",
    "mfa_failed", "mfa_recovery_codes", "role_change", "certificate_issue",
    "certificate_bulk_issue", "certificate_revoke", "export",
    "h5p_library_install", "h5p_library_upgrade",
}  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _labels(user, path="/"):
    return [str(item["label"]) for item in nav_items_for(user, path)]


def test_an_apps_navigation_links_appear_in_their_order(office):
    assert _labels(office) == [
        "Home", "My page", "Programme office", "Reports", "Import teachers",
        "Tracks", "Placements", "Certificates", "Content admin",
    ]  # fmt: skip


def test_learners_see_the_learning_apps_links(teacher):
    assert _labels(teacher) == [
        "Home", "My learning", "My certificates", "My placements", "My page",
    ]  # fmt: skip


def test_an_administrator_sees_every_link_the_permissions_open(admin_user):
    assert _labels(admin_user) == [
        "Home", "My mentees", "My page", "Programme office", "Reports",
        "Import teachers", "Tracks", "Placements", "Certificates",
        "Content admin", "System admin",
    ]  # fmt: skip


def test_a_registered_link_shows_to_whom_its_predicate_lets_in(
    monkeypatch, teacher, office
):
    monkeypatch.setattr(navigation, "_items", dict(navigation._items))
    navigation.add(
        key="test_link",
        label="Test link",
        url=lambda: "/test-link/",
        visible=lambda user: user.has_perm("people.view_all_schools"),
        order=95,
    )

    assert "Test link" not in _labels(teacher)
    labels = _labels(office)
    assert labels.index("Test link") == labels.index("Programme office") + 1


def test_each_app_sets_its_roles_start_page(teacher, principal, mentor, office):
    assert start_url_for(teacher) == reverse("courses:my_learning")
    assert start_url_for(principal) == reverse("reports:school")
    assert start_url_for(mentor) == reverse("placements:mentees")
    assert start_url_for(office) == reverse("people:office")


def test_every_stored_audit_action_is_still_registered():
    assert set(audit_actions.values()) == STORED_ACTIONS
    choices = dict(AuditEvent._meta.get_field("action").choices)
    assert str(choices["certificate_issue"]) == "certificate issued"
    assert str(choices["h5p_library_install"]) == "H5P library installed"


def test_an_action_an_app_registers_can_be_recorded(monkeypatch, db):
    monkeypatch.setattr(audit_actions, "_labels", dict(audit_actions._labels))
    audit_actions.register([("test_action", "tested")])

    event = audit.record(action="test_action", target="x")

    assert ("test_action", "tested") in audit_action_choices()
    assert event.get_action_display() == "tested"


def test_an_unregistered_action_is_refused(db):
    with pytest.raises(ValueError):
        audit.record(action="not_an_action")


def test_role_grants_collect_every_apps_permissions():
    office = role_permissions()[Role.OFFICE]

    assert "people.view_all_schools" in office
    assert "courses.install_h5plibrary" in office
    assert "placements.approve_placement" in office
    assert "certificates.add_certificate" in office
    assert role_permissions()[Role.MENTOR] == ["placements.mentor_placement"]
    assert role_permissions()[Role.TEACHER] == []


@pytest.mark.parametrize("role", Role.values)
def test_each_role_group_holds_exactly_what_the_apps_grant(db, role):
    group = Group.objects.get(name=role)
    held = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert held == set(role_permissions()[role])
