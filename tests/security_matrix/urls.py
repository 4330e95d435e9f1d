"""Every URL pattern of the project, read from the URL configuration."""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# The project's own apps: every URL they serve must be in the matrix.
PROJECT_APPS = (
    "core",
    "people",
    "courses",
    "certificates",
    "cms",
    "placements",
    "reports",
    "importer",
    "demo",
)
# Wagtail admin views of the project's own models (snippet view sets and their
# choosers) and the user admin, whose forms and edit view are the project's.
_APPS = "|".join(PROJECT_APPS)
PROJECT_ADMIN_NAME = re.compile(
    rf"wagtailsnippet(s|choosers)_({_APPS})_\w+:|wagtailusers_users:"
)
# Wagtail's admin internals and Django's admin are third-party code guarded as a
# whole (people.middleware.AdminAccessMiddleware sends everyone without
# `wagtailadmin.access_admin` away from /cms/; lms/urls.py lets only superusers
# into /django-admin/). Walking their ~390 views for six roles would double the
# suite's time and test Wagtail and Django rather than this project; the table
# lists a few representative ones (tests/security_matrix/expectations.py).
THIRD_PARTY_ADMIN_PREFIXES = ("cms/", "django-admin/")


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    module: str
    # The pattern of each level from the root down (tests/hostile fills in
    # the parameters of each: RoutePattern converters, RegexPattern groups).
    patterns: tuple = field(default=(), compare=False, repr=False)

    @property
    def is_project(self) -> bool:
        return self.module.split(".")[0] in PROJECT_APPS or bool(
            self.name and PROJECT_ADMIN_NAME.match(self.name)
        )

    @property
    def is_third_party_admin(self) -> bool:
        return self.route.startswith(THIRD_PARTY_ADMIN_PREFIXES) and not self.is_project


def _walk(resolver, prefix="", namespace=None, parents=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from _walk(
                pattern,
                prefix + str(pattern.pattern),
                inner,
                (*parents, pattern.pattern),
            )
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            callback = pattern.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            yield Route(
                name,
                prefix + str(pattern.pattern),
                module,
                (*parents, pattern.pattern),
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def routes_to_cover() -> list[Route]:
    """Every route except the third-party admin internals."""
    return [r for r in all_routes() if not r.is_third_party_admin]
