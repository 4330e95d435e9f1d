"""What writes the security audit log by itself: sign-ins and sign-outs, failed
sign-ins, password changes, two-factor changes and role changes (however they
are made: Wagtail's user forms, the Django admin, the importer, services)."""

import time

from allauth.account.signals import password_changed, password_reset
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from . import audit
from .mfa import mfa_required
from .models import Profile, Role, User

Action = audit.Action
# New accounts are recorded when their role gives more than a learner's access.
RECORDED_NEW_ROLES = {Role.PRINCIPAL, Role.TRAINER, Role.MENTOR, Role.OFFICE}


def _user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:200]


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit.record(
        action=Action.LOGIN,
        actor=user,
        request=request,
        target=user.get_username(),
        details={"user_agent": _user_agent(request)},
    )
    if request is not None and hasattr(request, "session") and mfa_required(user):
        from .middleware import PRIVILEGED_SEEN_KEY

        request.session[PRIVILEGED_SEEN_KEY] = int(time.time())
        request.session.set_expiry(0)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(
            action=Action.LOGOUT,
            actor=user,
            request=request,
            target=user.get_username(),
        )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with stars; keep only the name.
    login = credentials.get("username") or credentials.get("email") or ""
    audit.record(
        action=Action.LOGIN_FAILED,
        request=request,
        target=login,
        details={"user_agent": _user_agent(request)},
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
def on_password_changed(sender, request, user, **kwargs):
    audit.record(
        action=Action.PASSWORD_CHANGE,
        actor=user,
        request=request,
        target=user.get_username(),
    )


@receiver(password_reset, dispatch_uid="audit_password_reset")
def on_password_reset(sender, request, user, **kwargs):
    audit.record(
        action=Action.PASSWORD_RESET,
        actor=user,
        request=request,
        target=user.get_username(),
    )


# Two-factor authentication. Model signals rather than allauth's, so that an
# administrator removing someone's lost authenticator in the Django admin is
# recorded as well as people changing their own.


@receiver(post_save, sender=Authenticator, dispatch_uid="audit_mfa_added")
def on_authenticator_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.type == Authenticator.Type.TOTP:
        audit.record(action=Action.MFA_ACTIVATE, target=instance.user.get_username())


@receiver(post_delete, sender=Authenticator, dispatch_uid="audit_mfa_removed")
def on_authenticator_deleted(sender, instance, **kwargs):
    if instance.type == Authenticator.Type.TOTP:
        audit.record(action=Action.MFA_DEACTIVATE, target=instance.user.get_username())


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_mfa_reset")
def on_recovery_codes_reset(sender, request, user, authenticator, **kwargs):
    audit.record(
        action=Action.MFA_RECOVERY_CODES,
        actor=user,
        request=request,
        target=user.get_username(),
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def on_mfa_failed(sender, request, user, authenticator, **kwargs):
    audit.record(
        action=Action.MFA_FAILED,
        request=request,
        target=user.get_username(),
        details={"reauthentication": bool(kwargs.get("reauthentication"))},
    )


# Role changes: the values as loaded are kept on the instance (no extra query)
# and compared after each save.


@receiver(post_init, sender=Profile, dispatch_uid="audit_profile_init")
def remember_role(sender, instance, **kwargs):
    instance._audit_role = instance.__dict__.get("role")


@receiver(post_save, sender=Profile, dispatch_uid="audit_profile_saved")
def on_profile_saved(sender, instance, created, raw=False, **kwargs):
    before = None if created else instance._audit_role
    after = instance.role
    instance._audit_role = after
    # Loaded without its role (a deferred field): the old value is unknown.
    unknown = not created and before is None
    if raw or unknown or before == after:
        return
    if created and after not in RECORDED_NEW_ROLES:
        return
    audit.record(
        action=Action.ROLE_CHANGE,
        target=instance.user.get_username(),
        details={"from": before or "", "to": after},
    )


@receiver(post_init, sender=User, dispatch_uid="audit_user_init")
def remember_superuser(sender, instance, **kwargs):
    instance._audit_superuser = instance.__dict__.get("is_superuser")


@receiver(post_save, sender=User, dispatch_uid="audit_user_saved")
def on_user_saved(sender, instance, created, raw=False, **kwargs):
    before = False if created else instance._audit_superuser
    after = bool(instance.is_superuser)
    instance._audit_superuser = after
    if raw or before is None or bool(before) == after:
        return
    audit.record(
        action=Action.ROLE_CHANGE,
        target=instance.get_username(),
        details={"from": "admin" if before else "", "to": "admin" if after else ""},
    )
