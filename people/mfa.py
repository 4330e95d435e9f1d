"""Two-factor authentication (allauth.mfa, TOTP and recovery codes): who must
use it, and the fixed secret of the demo accounts."""

from django.db.models import Exists, OuterRef, QuerySet

from .models import Role, User

# Office staff and administrators can reach every school's people and issue
# certificates: their accounts must have an authenticator app.
MFA_REQUIRED_ROLES = (Role.OFFICE,)

# The demo office and admin accounts share this published secret, so that
# `make demo` stays usable: add it to an authenticator app, or print the current
# code with `python manage.py demo_totp office`. Only accounts marked is_demo
# get it, and those cannot sign in unless demo mode is on.
DEMO_TOTP_SECRET = "HONGXIDEMOLESHANMEIGUTOTPSECRET2"
DEMO_TOTP_USERNAMES = ("office", "admin")


def with_mfa_facts(users: QuerySet[User]) -> QuerySet[User]:
    """Users with their profile (the role) and `mfa_has_totp` in the same
    query, so the per-request check costs no query of its own (see
    people.backends)."""
    from allauth.mfa.models import Authenticator

    return users.select_related("profile").annotate(
        mfa_has_totp=Exists(
            Authenticator.objects.filter(
                user=OuterRef("pk"), type=Authenticator.Type.TOTP
            )
        ),
    )


def mfa_required(user) -> bool:
    """Administrators and office staff must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role in MFA_REQUIRED_ROLES


def has_totp(user) -> bool:
    if hasattr(user, "mfa_has_totp"):
        return user.mfa_has_totp
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def totp_missing(user) -> bool:
    """True for someone who must use two-factor sign-in but has not set it up."""
    return mfa_required(user) and not has_totp(user)


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` at time `at` (now)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def totp_set_secret(*, user: User, secret: str):
    """Give the user a TOTP authenticator with this secret (replacing theirs).
    For demo accounts and tests; people set up their own in the browser."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    authenticator, _created = Authenticator.objects.update_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(secret)}},
    )
    return authenticator


def totp_secret_of(user: User) -> str | None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None
