from django.core.exceptions import PermissionDenied
from wagtail.users.views.users import CreateView, DeleteView, EditView, UserViewSet

from core.deletion import RefuseProtectedDeleteMixin

from .forms import LmsUserCreationForm, LmsUserEditForm


class FormForUserMixin:
    """Tell the form who is editing, so it keeps administrator rights and
    extra groups out of reach of office staff."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class LmsUserCreateView(FormForUserMixin, CreateView):
    pass


class LmsUserEditView(FormForUserMixin, EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Whoever could change an administrator's password could become one.
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied


class LmsUserDeleteView(RefuseProtectedDeleteMixin, DeleteView):
    """People with certificates or placements stay (deactivate them instead)."""


class LmsUserViewSet(UserViewSet):
    add_view_class = LmsUserCreateView
    edit_view_class = LmsUserEditView
    delete_view_class = LmsUserDeleteView

    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
