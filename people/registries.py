"""What the feature apps contribute to people, which imports none of them.

Three registries, filled by each app in its AppConfig.ready() (by importing
its own `registrations` module), read by people:

- `navigation`: the main navigation's links and each role's start page
  (people.navigation);
- `audit_actions`: the actions the audit log accepts and how they read
  (people.audit.record, AuditEvent.action's choices);
- `role_grants`: the model permissions each role's group holds
  (people.roles.sync_role_groups, called by data migrations).

Registering the same key again replaces the entry, so a module imported twice
changes nothing. This module imports nothing of people's: the models read it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    # Called per request: reverse() needs the URLconf, and some links (the
    # catalog) depend on the data.
    url: Callable[[], str | None]
    visible: Callable[..., bool]
    order: int


class Navigation:
    def __init__(self):
        self._items: dict[str, NavItem] = {}
        self._start_pages: dict[str, str] = {}

    def add(self, *, key: str, label, url, visible, order: int) -> None:
        """Add a link. `url` is a URL name or a callable returning the URL;
        `visible(user)` says who sees it; links are shown by `order`."""
        resolve = url if callable(url) else _reverser(url)
        self._items[key] = NavItem(key, label, resolve, visible, order)

    def items(self) -> list[NavItem]:
        return sorted(self._items.values(), key=lambda item: item.order)

    def set_start_page(self, role: str, url_name: str) -> None:
        """Where people of `role` land after signing in."""
        self._start_pages[role] = url_name

    def start_page(self, role: str | None, default: str) -> str:
        return self._start_pages.get(role, default)


def _reverser(url_name: str) -> Callable[[], str]:
    def resolve() -> str:
        from django.urls import reverse

        return reverse(url_name)

    return resolve


class AuditActions:
    def __init__(self):
        self._labels: dict[str, str] = {}

    def register(self, actions: Iterable[tuple[str, str]]) -> None:
        """Accept these (value, label) pairs, e.g. a TextChoices' `.choices`.
        The values are stored in AuditEvent.action: never change one."""
        self._labels.update(actions)

    def choices(self) -> list[tuple[str, str]]:
        return list(self._labels.items())

    def values(self) -> list[str]:
        return list(self._labels)


class RoleGrants:
    def __init__(self):
        self._grants: dict[tuple[str, str], list[str]] = {}

    def grant(self, *, app: str, role: str, permissions: Iterable[str]) -> None:
        """`app` gives `role` these model permissions ("app_label.codename").
        A later data migration calling people.roles.sync_role_groups applies
        a change to the groups."""
        self._grants[(app, role)] = list(permissions)

    def permissions_of(self, role: str) -> list[str]:
        return [
            name
            for (_app, granted_role), names in self._grants.items()
            if granted_role == role
            for name in names
        ]


navigation = Navigation()
audit_actions = AuditActions()
role_grants = RoleGrants()


def audit_action_choices() -> list[tuple[str, str]]:
    """AuditEvent.action's choices: a callable, so an app adding an action
    needs no migration."""
    return audit_actions.choices()
