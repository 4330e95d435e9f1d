"""Who may read which reports, and the expressions every report shares: a
learner's share of the track's hours, and whether they are behind schedule."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.utils import timezone

from courses.models import Track
from courses.models.learning import CompletionStatus
from people.models import School, User
from people.selectors import schools_visible_to

from ..permissions import can_read_all_reports, can_read_school_reports

DONE = CompletionStatus.COMPLETED
IN_PROGRESS = CompletionStatus.IN_PROGRESS
NOT_STARTED = CompletionStatus.NOT_STARTED


def report_schools(user: User) -> list[School]:
    """The schools whose reports the user may read: every supported school for
    the programme office, their own school(s) for a principal. Anyone else is
    refused (PermissionDenied)."""
    if can_read_all_reports(user):
        schools = School.objects.filter(kind__in=School.SUPPORTED_KINDS)
    elif can_read_school_reports(user):
        schools = schools_visible_to(user)
    else:
        raise PermissionDenied
    return list(schools.order_by("-is_key_school", "kind", "code"))


def tracks_with_learners(school_ids: list[int]) -> list[Track]:
    """Every track, each with `learners`: how many staff of these schools it
    has (one query); the track with the most learners first."""
    return list(
        Track.objects.annotate(
            learners=Count(
                "completions",
                filter=Q(completions__user__profile__school_id__in=school_ids),
            )
        ).order_by("-learners", "name", "pk")
    )


def today() -> datetime.date:
    return timezone.localdate()


def expected_share(track: Track, on: datetime.date) -> Decimal:
    """The share of the track's time that has passed: what a learner keeping
    pace has earned of the track's hours by now (0 before it opens, 1 once it
    has closed)."""
    if on >= track.closes_on:
        return Decimal(1)
    if on <= track.opens_on:
        return Decimal(0)
    span = (track.closes_on - track.opens_on).days
    return Decimal((on - track.opens_on).days) / Decimal(span)


def behind_q(track: Track, on: datetime.date, prefix: str = "") -> Q | None:
    """Behind schedule: not completed, and either the track has closed or the
    hours earned fall short of the share of the track's time that has passed.
    None when nobody can be behind yet (the track has not opened)."""
    share = expected_share(track, on)
    not_done = ~Q(**{f"{prefix}status": DONE})
    if share >= 1:
        return not_done
    if share <= 0:
        return None
    return not_done & Q(
        **{f"{prefix}hours_earned__lt": F(f"{prefix}hours_needed") * share}
    )


def behind_expression(track: Track, on: datetime.date):
    condition = behind_q(track, on)
    if condition is None:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def progress_expression():
    """Hours earned as a percentage of the hours needed (a track without hours
    to earn counts as 100 once completed)."""
    return Case(
        When(
            hours_needed__gt=0,
            then=ExpressionWrapper(
                F("hours_earned") * 100 / F("hours_needed"),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            ),
        ),
        When(status=DONE, then=Value(Decimal(100))),
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0
