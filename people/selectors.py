"""Reads for people: who may see which schools and staff."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Pairing, Profile, Role, School, User
from .permissions import is_programme_office, leads_a_school


def role_of(user: User) -> str | None:
    """The user's role, or "admin" for superusers without a profile."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    if profile is not None:
        return profile.role
    return "admin" if user.is_superuser else None


def schools_visible_to(user: User) -> QuerySet[School]:
    """Office staff and admins see every school; a principal their own school(s);
    everyone else only the school they work at."""
    if is_programme_office(user):
        return School.objects.all()
    profile = getattr(user, "profile", None)
    if profile is None:
        return School.objects.none()
    if leads_a_school(user):
        return School.objects.filter(
            Q(pk=profile.school_id) | Q(supervisors=profile)
        ).distinct()
    return School.objects.filter(pk=profile.school_id)


def staff_of(schools: QuerySet[School]) -> QuerySet[Profile]:
    """Profiles of the people working at the given schools, ready to list."""
    return (
        Profile.objects.filter(school__in=schools)
        .select_related("user", "school")
        .prefetch_related("user__cohorts")
        .order_by("school__kind", "school__code", "role", "user__name")
    )


def supported_schools_overview() -> QuerySet[School]:
    """Every supported school with its staff counts and host schools."""
    return (
        School.objects.filter(kind__in=School.SUPPORTED_KINDS)
        .annotate(
            staff_count=Count("staff", distinct=True),
            teacher_count=Count(
                "staff", filter=Q(staff__role=Role.TEACHER), distinct=True
            ),
            seed_teacher_count=Count(
                "staff", filter=Q(staff__is_seed_teacher=True), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "host_pairings",
                queryset=Pairing.objects.select_related("host_school"),
            )
        )
        .order_by("-is_key_school", "kind", "code")
    )


def host_schools_overview() -> QuerySet[School]:
    """Host schools with the schools they support."""
    return (
        School.objects.filter(kind=School.Kind.HOST)
        .annotate(mentor_count=Count("staff", filter=Q(staff__role=Role.MENTOR)))
        .prefetch_related(
            Prefetch(
                "supported_pairings",
                queryset=Pairing.objects.select_related("supported_school"),
            )
        )
        .order_by("code")
    )
