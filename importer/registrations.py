"""What the importer contributes to people's registries (people.registries):
its navigation link. Imported by ImporterConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from people.registries import navigation

from . import permissions

navigation.add(
    key="import_teachers",
    label=_("Import teachers"),
    url="people:import_start",
    visible=permissions.can_import_teachers,
    order=110,
)
