"""courses.permissions for each role."""

import pytest

from courses import permissions

ROLES = ["teacher", "principal", "mentor", "trainer", "office", "admin_user"]
EXPECTED = {
    "can_view_tracks": {"office", "admin_user"},
    "can_enrol_groups": {"office", "admin_user"},
    "can_review_reflections": {"trainer", "admin_user"},
    "can_install_h5p_libraries": {"office", "admin_user"},
}


@pytest.mark.parametrize("role_fixture", ROLES)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_courses_predicate_holds_for_exactly_its_roles(
    db, request, role_fixture, predicate
):
    user = request.getfixturevalue(role_fixture)

    assert getattr(permissions, predicate)(user) is (
        role_fixture in EXPECTED[predicate]
    )


def test_the_system_may_install_h5p_libraries():
    assert permissions.can_install_h5p_libraries(None)
