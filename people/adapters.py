from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.http import client_ip
from core.ratelimit import over_limit
from core.tasks import enqueue_after_commit

from . import audit
from .backends import demo_login_refused
from .mfa import mfa_required


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the programme office, never by public sign-up;
    mail goes out through Celery so a slow mail server never blocks a page."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # One reading of the address for allauth's rate limits, ours and the
        # audit log (settings.NUM_PROXIES), refused as allauth refuses it.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def authenticate(self, request, **credentials):
        # allauth logs in users its backend refused for reasons other than the
        # password (to show the "inactive" page), so refuse demo accounts here.
        user = super().authenticate(request, **credentials)
        if user is not None and demo_login_refused(user):
            self.authentication_failed(request, **credentials)
            return None
        return user

    def pre_authenticate(self, request, **credentials):
        # Blocked attempts are recorded once per address and name every five
        # minutes: an attacker must not be able to flood the audit log.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login = credentials.get("username") or credentials.get("email") or ""
            recorded_lately = over_limit(
                request,
                group="people:audit:login-rate-limited",
                rate="1/5m",
                key=lambda _group, request: f"{client_ip(request)}|{login}",
            )
            if not recorded_lately:
                audit.record(
                    action=audit.Action.LOGIN_RATE_LIMITED,
                    request=request,
                    target=login,
                )
            raise

    def is_reauthentication_required(self, *, app, **kwargs):
        # Setting up an authenticator app is the first thing office staff must
        # do after signing in; typing the password they have just typed again
        # protects nothing. A sign-in this recent counts as confirming it.
        if app == "allauth.mfa" and self._signed_in_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _signed_in_recently(self) -> bool:
        import time

        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = self.request or context.request
        user = getattr(request, "user", None)
        if request is None or user is None or not user.is_authenticated:
            return False
        records = get_authentication_records(request, user)
        return bool(records) and (
            time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT
        )

    def get_login_redirect_url(self, request):
        return reverse("people:start")

    def get_password_change_redirect_url(self, request):
        # Those who had to choose a password first now go on to their work.
        return reverse("people:start")

    def format_email_subject(self, subject):
        return f"[{gettext('Hongxi Teacher Training')}] {subject}"

    def send_mail(self, template_prefix, email, context):
        from .tasks import send_email_message, send_now

        context.setdefault("site_name", gettext("Hongxi Teacher Training"))
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        }
        # With the broker down the mail goes out from this process instead.
        # An email has no row for the sweep to find it by: this is its only
        # chance, and the task retries a mail server that is down.
        enqueue_after_commit(
            send_email_message, payload, fallback=partial(send_now, payload)
        )


class MFAAdapter(DefaultMFAAdapter):
    """TOTP with our site name, a QR code drawn by segno (already used for
    certificates, so no further dependency), and no way for those who must
    use two-factor sign-in to turn it off."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code is not right. Enter the newest code your authenticator "
            "app shows, or one of your recovery codes."
        ),
    }

    def get_totp_issuer(self) -> str:
        return gettext("Hongxi Teacher Training")

    def build_totp_svg(self, url: str) -> str:
        import io

        import segno

        out = io.BytesIO()
        segno.make(url, error="m").save(
            out, kind="svg", scale=5, border=4, light="#fff", xmldecl=False
        )
        return out.getvalue().decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        return not mfa_required(authenticator.user)


def user_display(user) -> str:
    """How allauth names people in its messages: their full (Chinese or Yi) name."""
    return user.get_full_name() or user.username
