from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ForcePasswordChangeMiddleware:
    """Send people whose account was created for them to the password change
    page until they have chosen their own password."""

    allowed_names = ("account_change_password", "account_logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith(
                ("/static/", "/media/")
            ):
                messages.info(
                    request,
                    _("Please choose your own password before you continue."),
                )
                return redirect("account_change_password")
        return self.get_response(request)


class AdminAccessMiddleware:
    """Signed-in people without access to the Wagtail admin get a plain 403
    page there. Wagtail would send them to the login page, which sends
    signed-in people straight back: an endless redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/cms/")
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied
        return self.get_response(request)
