"""Reads for placements, each scoped to who is asking."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from people.models import School, User
from people.permissions import leads_a_school
from people.selectors import schools_visible_to

from .models import LogAttachment, Placement, PlacementLog, PlacementRound
from .permissions import can_view_all_placements

Status = Placement.Status


def approved_days_for(*, user: User, programme_id: int) -> int:
    """Approved job-shadowing days of the user in rounds of the programme."""
    total = Placement.objects.filter(
        participant=user, status=Status.APPROVED, round__programme_id=programme_id
    ).aggregate(days=Sum("approved_days"))["days"]
    return total or 0


def _listed(queryset: QuerySet[Placement]) -> QuerySet[Placement]:
    return queryset.select_related(
        "round", "host_school", "mentor", "participant__profile__school"
    ).annotate(
        log_count=Count("logs", distinct=True),
        confirmed_count=Count(
            "logs", filter=Q(logs__confirmed_at__isnull=False), distinct=True
        ),
    )


def placements_of_participant(user: User) -> QuerySet[Placement]:
    return _listed(Placement.objects.filter(participant=user))


def placements_of_mentor(user: User) -> QuerySet[Placement]:
    """The mentor's placements, those waiting for them first."""
    from django.db.models import Case, IntegerField, Value, When

    waiting_first = Case(
        When(status=Status.SUBMITTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _listed(Placement.objects.filter(mentor=user)).order_by(
        waiting_first, "-starts_on", "participant__name"
    )


def placements_of_schools(schools: QuerySet[School]) -> QuerySet[Placement]:
    """Placements of the staff of the given schools (for their principals)."""
    return _listed(
        Placement.objects.filter(participant__profile__school__in=schools)
    ).order_by("-starts_on", "participant__name")


def visible_placements(user: User) -> QuerySet[Placement]:
    """Every placement the user may open: their own, their mentees', their
    school's staff's (principals), or all of them (programme office)."""
    if not user.is_authenticated:
        return Placement.objects.none()
    if can_view_all_placements(user):
        return Placement.objects.all()
    scope = Q(participant=user) | Q(mentor=user)
    if leads_a_school(user):
        scope |= Q(participant__profile__school__in=schools_visible_to(user))
    return Placement.objects.filter(scope)


def placement_for(user: User, pk: int) -> Placement | None:
    """One placement with its logs and attachments, if the user may see it."""
    logs = PlacementLog.objects.select_related("confirmed_by").prefetch_related(
        Prefetch("attachments", queryset=LogAttachment.objects.order_by("pk"))
    )
    return (
        visible_placements(user)
        .select_related(
            "round__programme",
            "host_school",
            "mentor",
            "approved_by",
            "participant__profile__school",
        )
        .prefetch_related(
            Prefetch("logs", queryset=logs),
            Prefetch("events", queryset=_events()),
        )
        .filter(pk=pk)
        .first()
    )


def _events():
    from .models import PlacementEvent

    return PlacementEvent.objects.select_related("actor")


def log_for(user: User, pk: int) -> PlacementLog | None:
    return (
        PlacementLog.objects.filter(placement__in=visible_placements(user), pk=pk)
        .select_related("placement")
        .first()
    )


def attachment_for(user: User, pk: int) -> LogAttachment | None:
    return (
        LogAttachment.objects.filter(log__placement__in=visible_placements(user), pk=pk)
        .select_related("log__placement")
        .first()
    )


def rounds_overview() -> list[dict]:
    """Per round and host school: placements by stage, approved days. Two
    queries whatever the number of rounds and placements."""
    rows = (
        Placement.objects.values("round_id", "host_school_id", "host_school__name")
        .annotate(
            total=Count("pk"),
            planned=Count("pk", filter=Q(status=Status.PLANNED)),
            in_progress=Count(
                "pk", filter=Q(status__in=[Status.IN_PROGRESS, Status.RETURNED])
            ),
            waiting=Count(
                "pk", filter=Q(status__in=[Status.SUBMITTED, Status.CONFIRMED])
            ),
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            days=Sum("approved_days"),
        )
        .order_by("round_id", "host_school__name")
    )
    by_round: dict[int, list[dict]] = {}
    for row in rows:
        by_round.setdefault(row["round_id"], []).append(row)
    return [
        {"round": r, "schools": by_round.get(r.pk, [])}
        for r in PlacementRound.objects.select_related("programme")
    ]


def office_placements(
    *, placement_round=None, host_school=None, status=None
) -> QuerySet[Placement]:
    queryset = Placement.objects.all()
    if placement_round:
        queryset = queryset.filter(round=placement_round)
    if host_school:
        queryset = queryset.filter(host_school=host_school)
    if status:
        queryset = queryset.filter(status=status)
    return _listed(queryset).order_by(
        "round__starts_on", "host_school__name", "participant__name"
    )
