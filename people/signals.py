from allauth.account.signals import password_changed, password_reset
from django.dispatch import receiver

from .services import user_password_changed


@receiver(password_changed)
@receiver(password_reset)
def clear_first_login_requirement(sender, request, user, **kwargs):
    user_password_changed(user=user)
