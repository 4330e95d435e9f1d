"""What placements contributes to people's registries (people.registries):
its navigation links, the mentors' start page and the permissions each role
holds on placements. Imported by PlacementsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.permissions import is_learner
from people.registries import navigation, role_grants

from . import permissions

navigation.add(
    key="my_placements",
    label=_("My placements"),
    url="placements:mine",
    visible=is_learner,
    order=50,
)
navigation.add(
    key="mentees",
    label=_("My mentees"),
    url="placements:mentees",
    visible=permissions.is_mentor,
    order=60,
)
navigation.add(
    key="office_placements",
    label=_("Placements"),
    url="placements:office",
    visible=permissions.can_view_all_placements,
    order=130,
)
navigation.set_start_page(Role.MENTOR, "placements:mentees")

role_grants.grant(
    app="placements", role=Role.MENTOR, permissions=["placements.mentor_placement"]
)
role_grants.grant(
    app="placements",
    role=Role.OFFICE,
    permissions=[
        "placements.add_placementround",
        "placements.change_placementround",
        "placements.view_placementround",
        "placements.add_placement",
        "placements.change_placement",
        "placements.delete_placement",
        "placements.view_placement",
        permissions.APPROVE,
    ],
)
