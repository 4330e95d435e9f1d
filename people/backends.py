from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


def demo_login_refused(user) -> bool:
    """Demo accounts (whose passwords are published in the README) may sign in
    only while demo mode is on."""
    return getattr(user, "is_demo", False) and not settings.DEMO_MODE


class DemoAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's username-or-email backend, refusing demo accounts unless demo
    mode is on; this also ends their open sessions when it is turned off."""

    def user_can_authenticate(self, user):
        if demo_login_refused(user):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        # The signed-in user of each request, loaded with the facts the
        # two-factor requirement needs (people.mfa) in the same one query.
        from .mfa import with_mfa_facts
        from .models import User

        user = with_mfa_facts(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
