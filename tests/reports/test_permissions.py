"""reports.permissions for each role."""

import pytest

from reports import permissions

ROLES = ["teacher", "principal", "mentor", "trainer", "office", "admin_user"]
EXPECTED = {
    "can_read_all_reports": {"office", "admin_user"},
    "can_read_school_reports": {"principal", "admin_user"},
    "reads_own_school_only": {"principal"},
}


@pytest.mark.parametrize("role_fixture", ROLES)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_reports_predicate_holds_for_exactly_its_roles(
    db, request, role_fixture, predicate
):
    user = request.getfixturevalue(role_fixture)

    assert getattr(permissions, predicate)(user) is (
        role_fixture in EXPECTED[predicate]
    )
