"""placements.permissions for each person around a placement; the services
refuse through the same predicates."""

import pytest
from django.core.exceptions import PermissionDenied

from placements import permissions, services
from placements.models import Placement

PEOPLE = ["office", "mentor", "other_mentor", "participant", "colleague", "principal"]

# predicate over the user alone: who passes.
EXPECTED = {
    "can_view_all_placements": {"office"},
    "can_plan_rounds": {"office"},
    "can_plan_placements": {"office"},
    "can_delete_placements": {"office"},
    "can_approve_placements": {"office"},
    "is_mentor": {"mentor", "other_mentor"},
    "can_view_school_placements": {"principal"},
}
# predicate over (user, placement): who passes for a submitted placement.
ON_PLACEMENT = {
    "can_mentor": {"mentor"},
    "can_log": {"participant"},
    "can_return": {"office", "mentor"},
}


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_placements_predicate_holds_for_exactly_its_people(world, person, predicate):
    assert getattr(permissions, predicate)(getattr(world, person)) is (
        person in EXPECTED[predicate]
    )


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("predicate", sorted(ON_PLACEMENT))
def test_placement_predicate_holds_for_exactly_its_people(
    world, placement, person, predicate
):
    placement.status = Placement.Status.SUBMITTED

    allowed = getattr(permissions, predicate)(getattr(world, person), placement)

    assert allowed is (person in ON_PLACEMENT[predicate])


def test_only_the_office_may_return_a_confirmed_placement(world, placement):
    placement.status = Placement.Status.CONFIRMED

    assert permissions.can_return(world.office, placement)
    assert not permissions.can_return(world.mentor, placement)


def test_a_mentor_without_the_mentor_permission_cannot_mentor(world, placement):
    world.mentor.groups.clear()
    world.mentor = type(world.mentor).objects.get(pk=world.mentor.pk)

    assert not permissions.can_mentor(world.mentor, placement)


def test_approve_service_refuses_through_the_predicate(world, placement):
    with pytest.raises(PermissionDenied):
        services.placement_approve(placement=placement, actor=world.mentor)
