"""What each role sees in the main navigation and where it lands after login."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .selectors import role_of

START_PAGES = {
    Role.TEACHER: "courses:my_learning",
    Role.PRINCIPAL: "reports:school",
    Role.TRAINER: "wagtailadmin_home",
    Role.MENTOR: "placements:mentees",
    Role.OFFICE: "people:office",
    "admin": "people:office",
}


def start_url_for(user) -> str:
    return reverse(START_PAGES.get(role_of(user), "people:me"))


def nav_items_for(user, current_path: str) -> list[dict]:
    """Links in the order they appear; each shown only to those who may use it."""
    from courses.selectors import catalog_url

    candidates = [
        (_("Home"), "/", True),
        (_("Courses"), catalog_url(), True),
        (
            _("My learning"),
            reverse("courses:my_learning"),
            role_of(user) in (Role.TEACHER, Role.PRINCIPAL),
        ),
        (
            _("My certificates"),
            reverse("certificates:mine"),
            role_of(user) in (Role.TEACHER, Role.PRINCIPAL),
        ),
        (
            _("My placements"),
            reverse("placements:mine"),
            role_of(user) in (Role.TEACHER, Role.PRINCIPAL),
        ),
        (
            _("My mentees"),
            reverse("placements:mentees"),
            user.has_perm("placements.mentor_placement"),
        ),
        (_("My page"), reverse("people:me"), user.is_authenticated),
        (
            _("My school"),
            reverse("reports:school"),
            user.has_perm("people.view_school_staff")
            and not user.has_perm("people.view_all_schools"),
        ),
        (
            _("Programme office"),
            reverse("people:office"),
            user.has_perm("people.view_all_schools"),
        ),
        (
            _("Reports"),
            reverse("reports:office"),
            user.has_perm("people.view_all_schools"),
        ),
        (
            _("Import teachers"),
            reverse("people:import_start"),
            user.has_perm("people.add_user"),
        ),
        (
            _("Tracks"),
            reverse("courses:office_tracks"),
            user.has_perm("people.view_all_schools"),
        ),
        (
            _("Placements"),
            reverse("placements:office"),
            user.has_perm("placements.view_placement"),
        ),
        (
            _("Certificates"),
            reverse("certificates:office"),
            user.has_perm("certificates.add_certificate"),
        ),
        (
            _("Content admin"),
            reverse("wagtailadmin_home"),
            user.has_perm("wagtailadmin.access_admin"),
        ),
        (_("System admin"), reverse("admin:index"), user.is_superuser),
    ]
    shown = [(label, url) for label, url, visible in candidates if visible and url]
    # Only the most specific link containing the current page is marked current.
    matches = [url for _label, url in shown if _contains(url, current_path)]
    current = max(matches, key=len) if matches else None
    return [
        {"label": label, "url": url, "active": url == current} for label, url in shown
    ]


def _contains(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
