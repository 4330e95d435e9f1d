"""importer.permissions for each role."""

import pytest

from importer import permissions

ROLES = ["teacher", "principal", "mentor", "trainer", "office", "admin_user"]


@pytest.mark.parametrize("role_fixture", ROLES)
def test_only_the_office_may_import_teachers(db, request, role_fixture):
    user = request.getfixturevalue(role_fixture)

    assert permissions.can_import_teachers(user) is (
        role_fixture in {"office", "admin_user"}
    )
