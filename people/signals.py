from allauth.account.signals import password_changed, password_reset
from django.dispatch import receiver

from .services import user_password_changed


@receiver(password_changed)
@receiver(password_reset)
def clear_first_login_requirement(sender, request, user, **kwargs):
    user_password_changed(user=user)


def _connect_permission_changes() -> None:
    """people.backends keeps each user's permissions: changes make them stale."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .backends import forget_members_permissions, forget_permissions
    from .models import User

    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            forget_members_permissions, sender=through, dispatch_uid=f"perms.{through}"
        )
    m2m_changed.connect(
        forget_permissions, sender=Group.permissions.through, dispatch_uid="perms.group"
    )
    for model in (Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_permissions, sender=model, dispatch_uid=f"perms.{model}.{signal}"
            )


_connect_permission_changes()
