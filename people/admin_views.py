from django.core.exceptions import PermissionDenied
from wagtail.users.views.users import CreateView, EditView, UserViewSet

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


class LmsUserViewSet(UserViewSet):
    add_view_class = LmsUserCreateView
    edit_view_class = LmsUserEditView

    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
