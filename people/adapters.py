from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from .backends import demo_login_refused


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the programme office, never by public sign-up;
    mail goes out through Celery so a slow mail server never blocks a page."""

    def is_open_for_signup(self, request):
        return False

    def authenticate(self, request, **credentials):
        # allauth logs in users its backend refused for reasons other than the
        # password (to show the "inactive" page), so refuse demo accounts here.
        user = super().authenticate(request, **credentials)
        if user is not None and demo_login_refused(user):
            self.authentication_failed(request, **credentials)
            return None
        return user

    def get_login_redirect_url(self, request):
        return reverse("people:start")

    def get_password_change_redirect_url(self, request):
        # Those who had to choose a password first now go on to their work.
        return reverse("people:start")

    def format_email_subject(self, subject):
        return f"[{gettext('Hongxi Teacher Training')}] {subject}"

    def send_mail(self, template_prefix, email, context):
        from .tasks import send_email_message

        context.setdefault("site_name", gettext("Hongxi Teacher Training"))
        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        }
        transaction.on_commit(lambda: send_email_message.delay(payload))


def user_display(user) -> str:
    """How allauth names people in its messages: their full (Chinese or Yi) name."""
    return user.get_full_name() or user.username
