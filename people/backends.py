from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


class DemoAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's username-or-email backend, refusing demo accounts (whose
    passwords are published in the README) unless demo mode is on."""

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)
