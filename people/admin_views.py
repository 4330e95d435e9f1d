from wagtail.users.views.users import UserViewSet

from .forms import LmsUserCreationForm, LmsUserEditForm


class LmsUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
