"""Reads for the catalog page: courses with their filters, lesson counts and
the user's state in each; the catalog's URL."""

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import Length, Substr

from cms.images import prefetch_cover_renditions
from cms.serving import any_view_restriction

from ..models import (
    Audience,
    CourseCategory,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
)

FILTERS = ("category", "kind", "audience", "delivery")


def lesson_counts(courses) -> dict[int, int]:
    """Live lessons per course, in one grouped query over the page tree."""
    paths = {c.path: c.pk for c in courses}
    if not paths:
        return {}
    rows = (
        LessonPage.objects.live()
        .annotate(parent_path=Substr("path", 1, Length("path") - 4))
        .filter(parent_path__in=paths)
        # Page querysets order by path, which would otherwise join the GROUP BY.
        .order_by()
        .values("parent_path")
        .annotate(n=Count("pk"))
    )
    return {paths[row["parent_path"]]: row["n"] for row in rows}


def catalog_for(*, index, user, params) -> dict:
    """Live courses of the catalog, filtered by category, required/elective,
    audience and delivery; with the user's enrolments and completions."""
    courses = (
        CoursePage.objects.live()
        .child_of(index)
        .select_related("category", "cover_image")
        .order_by("path")
    )
    # Courses behind a view restriction are not listed; while the site has
    # none, asking costs a query for nothing.
    if any_view_restriction():
        courses = courses.public()
    selected = {}
    choices = {
        "category": {c.code: c for c in CourseCategory.objects.all()},
        "kind": dict(CoursePage.Kind.choices),
        "audience": dict(Audience.choices),
        "delivery": dict(CoursePage.Delivery.choices),
    }
    for name in FILTERS:
        value = params.get(name, "")
        if value in choices[name]:
            selected[name] = value
            lookup = "category__code" if name == "category" else name
            courses = courses.filter(**{lookup: value})
    courses = list(courses)
    prefetch_cover_renditions(courses)  # one query for every card's cover
    return {
        "courses": courses,
        "lesson_counts": lesson_counts(courses),
        "filter_choices": choices,
        "selected": selected,
        **_user_course_states(user, courses),
    }


def _user_course_states(user, courses) -> dict:
    if not user.is_authenticated or not courses:
        return {"enrolled_ids": set(), "completions": {}}
    enrolled = set(
        Enrolment.objects.filter(
            user=user, course__in=courses, status=Enrolment.Status.ACTIVE
        ).values_list("course_id", flat=True)
    )
    completions = {
        c.course_id: c
        for c in CourseCompletion.objects.filter(user=user, course__in=courses)
    }
    return {"enrolled_ids": enrolled, "completions": completions}


CATALOG_URL_KEY = "courses:catalog-url"
CATALOG_URL_SECONDS = 300


def catalog_link() -> dict | None:
    """The course catalog's URL and title ({"url", "title"}), or None before it
    has been created. The header links it on every page and every course page
    names it: kept in the cache, dropped when the catalog page changes
    (CoursesConfig.ready), and in any case after five minutes."""
    kept = cache.get(CATALOG_URL_KEY)
    if kept is not None:
        return kept or None
    index = CourseIndexPage.objects.live().only("url_path", "title").first()
    link = {"url": index.url, "title": index.title} if index is not None else None
    cache.set(CATALOG_URL_KEY, link or {}, CATALOG_URL_SECONDS)
    return link


def catalog_url() -> str | None:
    """Where the course catalog lives in the page tree, if it has been created."""
    link = catalog_link()
    return link["url"] if link else None


def forget_catalog_url(**kwargs) -> None:
    """Receiver: the catalog page was saved, moved or deleted."""
    cache.delete(CATALOG_URL_KEY)
