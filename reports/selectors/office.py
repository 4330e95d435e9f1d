"""The programme office's overview of one track across every supported
school: completion per school and per course, the distribution of hours,
learners behind schedule, certificates issued and placements per host school.
Nine queries whatever the number of schools, learners and courses."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, F, Q, Sum, Value, When

from certificates.models import Certificate
from courses.models import CourseCompletion, Track, TrackCompletion
from people.models import Profile, School
from placements.models import Placement

from .common import (
    DONE,
    IN_PROGRESS,
    behind_q,
    percent,
    progress_expression,
)
from .matrix import track_columns

SUPPORTED = School.SUPPORTED_KINDS
# Shares of the track's hours earned: (label, lowest percent, below percent).
HOURS_BUCKETS = [
    ("0", None, 0),
    ("1–24%", 0, 25),
    ("25–49%", 25, 50),
    ("50–74%", 50, 75),
    ("75–99%", 75, 100),
    ("100%", 100, None),
]
BEHIND_LISTED = 20


@dataclass
class SchoolRow:
    school: School
    learners: int = 0
    completed: int = 0
    in_progress: int = 0
    behind: int = 0
    hours_earned: object = 0
    hours_needed: object = 0
    certificates: int = 0

    @property
    def not_started(self) -> int:
        return self.learners - self.completed - self.in_progress

    @property
    def rate(self) -> int:
        return percent(self.completed, self.learners)

    @property
    def hours_share(self) -> int:
        return percent(self.hours_earned or 0, self.hours_needed or 0)


@dataclass
class CourseRow:
    track_course: object
    enrolled: int = 0
    completed: int = 0
    in_progress: int = 0
    average_score: object = None

    @property
    def not_started(self) -> int:
        return self.enrolled - self.completed - self.in_progress

    @property
    def rate(self) -> int:
        return percent(self.completed, self.enrolled)


def _learners(track: Track):
    return TrackCompletion.objects.filter(
        track=track, user__profile__school__kind__in=SUPPORTED
    )


def _condition(track, on):
    condition = behind_q(track, on)
    return condition if condition is not None else Q(pk=0)  # nobody


def school_rows(track: Track, on: datetime.date) -> list[SchoolRow]:
    """Every supported school with its learners' completion (two queries) and
    the certificates issued to its staff for the track or its courses (one)."""
    rows = {s.pk: SchoolRow(s) for s in School.objects.filter(kind__in=SUPPORTED)}
    grouped = (
        _learners(track)
        .values("user__profile__school_id")
        .annotate(
            learners=Count("pk"),
            completed=Count("pk", filter=Q(status=DONE)),
            in_progress=Count("pk", filter=Q(status=IN_PROGRESS)),
            behind=Count("pk", filter=_condition(track, on)),
            hours_earned=Sum("hours_earned"),
            hours_needed=Sum("hours_needed"),
        )
        .order_by()
    )
    for values in grouped:
        row = rows[values.pop("user__profile__school_id")]
        for name, value in values.items():
            setattr(row, name, value)
    certificates = (
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            holder__profile__school__kind__in=SUPPORTED,
        )
        .filter(Q(track=track) | Q(course__track_courses__track=track))
        .values("holder__profile__school_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for values in certificates:
        rows[values["holder__profile__school_id"]].certificates = values["n"]
    return sorted(
        rows.values(),
        key=lambda r: (-r.school.is_key_school, r.school.kind, r.school.code),
    )


def course_rows(track: Track, columns) -> list[CourseRow]:
    """Each course of the track: its completion rows (one per enrolled
    learner) at supported schools, grouped in one query."""
    # A semi-join on the staff of supported schools: cheaper than joining
    # every completion row to its profile and school.
    staff = Profile.objects.filter(school__kind__in=SUPPORTED).values("user_id")
    grouped = {
        values["course_id"]: values
        for values in CourseCompletion.objects.filter(
            course_id__in=[c.course_id for c in columns], user_id__in=staff
        )
        .values("course_id")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=DONE)),
            in_progress=Count("pk", filter=Q(status=IN_PROGRESS)),
            average_score=Avg("score", filter=Q(status=DONE)),
        )
        .order_by()
    }
    rows = []
    for column in columns:
        values = grouped.get(column.course_id, {})
        values.pop("course_id", None)
        rows.append(CourseRow(column, **values))
    return rows


def hours_distribution(track: Track) -> list[tuple[str, int]]:
    """How many learners have earned what share of the track's hours: each
    row's bucket computed once (by multiplying, not dividing), then counted
    per bucket (one query). A track without hours counts completion as 100%."""
    last = len(HOURS_BUCKETS) - 1
    whens = [
        When(hours_needed__lte=0, status=DONE, then=Value(last)),
        When(hours_needed__lte=0, then=Value(0)),
        When(hours_earned__lte=0, then=Value(0)),
    ] + [
        When(
            hours_earned__lt=F("hours_needed") * Decimal(below) / 100,
            then=Value(n),
        )
        for n, (_label, _low, below) in enumerate(HOURS_BUCKETS)
        if n and below is not None
    ]
    counts = dict(
        _learners(track)
        .annotate(bucket=Case(*whens, default=Value(last)))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("bucket", "n")
    )
    return [(label, counts.get(n, 0)) for n, (label, *_r) in enumerate(HOURS_BUCKETS)]


def behind_learners(track: Track, on: datetime.date, limit: int | None = None):
    """Learners behind schedule, furthest behind first."""
    rows = (
        _learners(track)
        .filter(_condition(track, on))
        .select_related("user__profile__school")
        .annotate(progress_pct=progress_expression())
        .order_by("progress_pct", "user__profile__school__code", "user__name", "pk")
    )
    return rows[:limit] if limit else rows


def host_school_rows(track: Track) -> list[dict]:
    """Placements of the track's programme per host school (one query)."""
    approved = Q(status=Placement.Status.APPROVED)
    return list(
        Placement.objects.filter(round__programme_id=track.programme_id)
        .values("host_school_id", "host_school__name")
        .annotate(
            placements=Count("pk"),
            approved=Count("pk", filter=approved),
            days=Sum("approved_days", filter=approved, default=0),
            participants=Count("participant", distinct=True),
            mentors=Count("mentor", distinct=True),
        )
        .order_by("host_school__name")
    )


def office_overview(*, track: Track, on: datetime.date) -> dict:
    columns = track_columns(track)
    schools = school_rows(track, on)
    totals = SchoolRow(school=None)
    for row in schools:
        for name in ("learners", "completed", "in_progress", "behind", "certificates"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
        totals.hours_earned += row.hours_earned or 0
        totals.hours_needed += row.hours_needed or 0
    hosts = host_school_rows(track)
    return {
        "track": track,
        "schools": schools,
        "totals": totals,
        "courses": course_rows(track, columns),
        "hours": hours_distribution(track),
        "behind": list(behind_learners(track, on, BEHIND_LISTED)),
        "hosts": hosts,
        "placement_days": sum(h["days"] for h in hosts),
        "approved_placements": sum(h["approved"] for h in hosts),
    }
