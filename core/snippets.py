"""The base of the project's snippet view sets.

Wagtail's snippet choosers list and return objects to anyone who may enter the
admin, whatever their permissions on the model (a trainer could read the
certificate audit log through its chooser), and their "create" endpoint fails
with a server error when the chooser has no creation form. Ours answer only
people holding some permission on the model, and 404 where nothing can be
created. Deleting what other records still need says so instead of failing
(core.deletion). An id in the URL that is not a valid key of the model (a
word where the key is a number) names nothing: 404, not a server error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser, snippets

from core.deletion import RefuseProtectedDeleteMixin

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
    def get_object(self, pk):
        try:
            return super().get_object(pk)
        except (ValueError, ValidationError):
            raise Http404 from None


class ChosenMultipleView(_PermissionChecked, chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        try:
            pks = [self.model_class._meta.pk.to_python(pk) for pk in pks]
        except ValidationError:
            raise Http404 from None
        return super().get_objects(pks)


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


class DeleteView(RefuseProtectedDeleteMixin, snippets.DeleteView):
    pass


class SnippetViewSet(snippets.SnippetViewSet):
    chooser_viewset_class = ChooserViewSet
    delete_view_class = DeleteView
