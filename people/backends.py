import uuid

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# Each user's model permissions (what their role's group grants, and any of
# their own) are kept in the cache: a role check costs no query. Any change
# to a group's permissions, a user's groups or own permissions, or to a group
# or permission itself, makes every kept set stale at once (a new version);
# and none is kept longer than this, so that a change made while the cache
# was unreachable is not missed for long.
PERMISSIONS_SECONDS = 300
PERMISSIONS_KEY = "people:permissions:{}"
PERMISSIONS_VERSION_KEY = "people:permissions-version"


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
        # The signed-in user of each request, loaded with their profile and
        # school (the role for the two-factor requirement, role checks, the
        # header) and whether they have an authenticator app (people.mfa) in
        # the same one query.
        from .mfa import with_mfa_facts
        from .models import User

        user = (
            with_mfa_facts(User._default_manager.filter(pk=user_id))
            .select_related("profile__school")
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = PERMISSIONS_KEY.format(user_obj.pk)
            kept = cache.get_many([key, PERMISSIONS_VERSION_KEY])
            version = kept.get(PERMISSIONS_VERSION_KEY) or ""
            if key in kept and kept[key][0] == version and version:
                user_obj._perm_cache = set(kept[key][1])
            else:
                found = super().get_all_permissions(user_obj)
                if not version:
                    version = uuid.uuid4().hex
                    cache.set(PERMISSIONS_VERSION_KEY, version, None)
                cache.set(key, (version, sorted(found)), PERMISSIONS_SECONDS)
        return user_obj._perm_cache


def _now_and_on_commit(change) -> None:
    # Again once the change is committed: a request reading between the two
    # would otherwise keep what the database said before it.
    change()
    transaction.on_commit(change)


def forget_permissions(**kwargs) -> None:
    """Receiver (a group's permissions, a group or a permission changed):
    every kept permission set is stale."""
    _now_and_on_commit(
        lambda: cache.set(PERMISSIONS_VERSION_KEY, uuid.uuid4().hex, None)
    )


def forget_members_permissions(*, action, reverse, instance, pk_set, **kwargs):
    """Receiver (users' groups or own permissions changed): those users' kept
    permission sets are stale."""
    if not action.startswith("post_"):
        return
    if reverse and pk_set is None:  # a group or permission cleared of users
        forget_permissions()
        return
    keys = [PERMISSIONS_KEY.format(pk) for pk in (pk_set if reverse else [instance.pk])]
    _now_and_on_commit(lambda: cache.delete_many(keys))
