from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the programme office, never by public sign-up;
    mail goes out through Celery so a slow mail server never blocks a page."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("people:start")

    def send_mail(self, template_prefix, email, context):
        from .tasks import send_email_message

        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        }
        transaction.on_commit(lambda: send_email_message.delay(payload))
