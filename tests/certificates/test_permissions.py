"""certificates.permissions for each role."""

import pytest

from certificates import permissions

ROLES = ["teacher", "principal", "mentor", "trainer", "office", "admin_user"]
EXPECTED = {
    "can_issue_certificates": {"office", "admin_user"},
    "can_revoke_certificates": {"office", "admin_user"},
    "can_view_all_certificates": {"office", "admin_user"},
    "can_view_school_certificates": {"principal", "office", "admin_user"},
    "can_preview_templates": {"office", "admin_user"},
}


@pytest.mark.parametrize("role_fixture", ROLES)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_certificates_predicate_holds_for_exactly_its_roles(
    db, request, role_fixture, predicate
):
    user = request.getfixturevalue(role_fixture)

    assert getattr(permissions, predicate)(user) is (
        role_fixture in EXPECTED[predicate]
    )
