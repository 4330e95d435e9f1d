import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .mfa import totp_missing
from .permissions import can_enter_content_admin


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
            and not can_enter_content_admin(user)
        ):
            raise PermissionDenied
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) for every page,
    with the directives of settings.CSP_PATH_REPLACEMENTS replaced only under
    the few path prefixes whose third-party code needs it (see the comment
    there). A view's own @csp_replace still wins. Scripts and stylesheets get
    no policy: a policy applies to documents, and the H5P player's library
    code is served without one on purpose (courses.views_h5p)."""

    not_documents = ("text/javascript", "application/javascript", "text/css")

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(self.not_documents):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.replace is not None:
            return parts
        for prefix, replace in settings.CSP_PATH_REPLACEMENTS:
            if request.path_info.startswith(prefix):
                parts.replace = replace
                break
        return parts


class AuditContextMiddleware:
    """Lets people.audit.record know the request being served, so events
    written from model signals name who did it and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.bind_request(request)
        try:
            return self.get_response(request)
        finally:
            audit.unbind_request(token)


class RequireTwoFactorMiddleware:
    """Office staff and administrators without an authenticator app are sent to
    set one up, and can do nothing else until they have (sign out, change the
    password they were given, switch language and static files excepted)."""

    allowed_names = (
        "account_logout",
        "account_change_password",
        "account_reauthenticate",
        "set_language",
    )
    allowed_prefixes = ("/accounts/2fa/", "/static/", "/media/")
    message = gettext_lazy(
        "Programme office staff and administrators sign in with two-factor "
        "authentication. Please set up an authenticator app before you continue."
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and totp_missing(user):
            if self._allowed_paths is None:
                self._allowed_paths = {reverse(name) for name in self.allowed_names}
            path = request.path
            if path not in self._allowed_paths and not path.startswith(
                self.allowed_prefixes
            ):
                messages.warning(request, self.message)
                return redirect("mfa_activate_totp")
        return self.get_response(request)


PRIVILEGED_SEEN_KEY = "lms_privileged_seen"


class PrivilegedSessionMiddleware:
    """Sessions of office staff and administrators end when the browser closes
    and after PRIVILEGED_SESSION_IDLE_SECONDS without a request. The last-seen
    time (set at sign-in, people.audit_receivers) is refreshed at most once a
    minute, so most requests write nothing."""

    refresh_after = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        seen = session.get(PRIVILEGED_SEEN_KEY) if session is not None else None
        if seen is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - seen > settings.PRIVILEGED_SESSION_IDLE_SECONDS:
                audit.record(
                    action=audit.Action.SESSION_EXPIRED,
                    request=request,
                    target=request.user.get_username(),
                )
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after a period of inactivity."),
                )
                return redirect_to_login(request.get_full_path())
            if now - seen > self.refresh_after:
                session[PRIVILEGED_SEEN_KEY] = now
            if session.get("_session_expiry") != 0:
                session.set_expiry(0)
        return self.get_response(request)
