"""What each role sees in the main navigation and where it lands after login.

The links and start pages come from every app (people.registries.navigation),
each shown only to those its predicate lets in."""

from django.urls import reverse

from .registries import navigation
from .selectors import role_of

DEFAULT_START_PAGE = "people:me"


def start_url_for(user) -> str:
    return reverse(navigation.start_page(role_of(user), DEFAULT_START_PAGE))


def nav_items_for(user, current_path: str) -> list[dict]:
    """Links in the order they appear; each shown only to those who may use it."""
    shown = [
        (item.label, url)
        for item in navigation.items()
        if item.visible(user) and (url := item.url())
    ]
    # Only the most specific link containing the current page is marked current.
    matches = [url for _label, url in shown if _contains(url, current_path)]
    current = max(matches, key=len) if matches else None
    return [
        {"label": label, "url": url, "active": url == current} for label, url in shown
    ]


def _contains(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
