"""The base of the project's snippet view sets.

Wagtail's snippet choosers list and return objects to anyone who may enter the
admin, whatever their permissions on the model (a trainer could read the
certificate audit log through its chooser), and their "create" endpoint fails
with a server error when the chooser has no creation form. Ours answer only
people holding some permission on the model, and 404 where nothing can be
created.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet as WagtailSnippetViewSet

ANY_PERMISSION = ("add", "change", "delete", "view")


class _PermissionChecked:
    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, ANY_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChooseView(_PermissionChecked, chooser.ChooseView):
    pass


class ChooseResultsView(_PermissionChecked, chooser.ChooseResultsView):
    pass


class ChosenView(_PermissionChecked, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(_PermissionChecked, chooser.SnippetChosenMultipleView):
    pass


class CreateView(_PermissionChecked, chooser.SnippetCreateView):
    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


class SnippetViewSet(WagtailSnippetViewSet):
    chooser_viewset_class = ChooserViewSet
