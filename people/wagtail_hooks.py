from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.snippets import SnippetViewSet

from .models import Cohort, Pairing, School


class SchoolViewSet(SnippetViewSet):
    model = School
    icon = "home"
    list_display = ["name", "kind", "county", "is_key_school", "is_placeholder_name"]
    list_filter = ["kind", "is_key_school"]
    search_fields = ["name", "name_en", "code"]


class PairingViewSet(SnippetViewSet):
    model = Pairing
    icon = "link"
    list_display = ["supported_school", "host_school", "starts_on", "ends_on"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "year", "code"]
    search_fields = ["name", "code"]


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (SchoolViewSet, PairingViewSet, CohortViewSet)
    menu_icon = "group"
    menu_label = _("Schools and cohorts")
    menu_name = "schools"


register_snippet(PeopleViewSetGroup)
