"""The staff-by-course matrix of a track: one row per learner (their track
completion row), one cell per course of the track (their course completion
row). A page of it costs the same few queries whatever the number of staff
and courses: the pivot is built from one query of completion rows."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from certificates.models import Certificate
from courses.models import CourseCompletion, Track, TrackCompletion, TrackCourse
from people.models import School

from .common import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    behind_expression,
    behind_q,
    percent,
    progress_expression,
)

PAGE_SIZE = 50

STATUS_ORDER = Case(
    When(status=NOT_STARTED, then=Value(0)),
    When(status=IN_PROGRESS, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
# Each sort ends with the user id, so pages never overlap or skip anyone.
SORTS = {
    "name": ("user__name", "user_id"),
    "school": ("user__profile__school__name", "user__name", "user_id"),
    "progress": ("progress_pct", "user__name", "user_id"),
    "-progress": ("-progress_pct", "user__name", "user_id"),
    "status": ("status_order", "progress_pct", "user__name", "user_id"),
    "placement": ("placement_days", "user__name", "user_id"),
    "certificates": ("-certificate_count", "user__name", "user_id"),
}


@dataclass
class MatrixFilters:
    track: Track
    schools: list[School]
    seed: str = ""  # "", "yes" or "no"
    subject: str = ""
    status: str = ""
    behind: bool = False
    sort: str = "name"
    on: datetime.date = field(default_factory=datetime.date.today)

    @classmethod
    def from_form(cls, data: dict, schools, on: datetime.date) -> "MatrixFilters":
        """The filters of a valid MatrixForm; no school chosen means all of
        `schools`."""
        return cls(
            track=data["track"],
            schools=[data["school"]] if data["school"] else schools,
            seed=data["seed"],
            subject=data["subject"],
            status=data["status"],
            behind=data["behind"],
            sort=data["sort"],
            on=on,
        )


@dataclass
class Cell:
    status: str = NOT_STARTED
    score: object = None
    completed_at: datetime.datetime | None = None
    lessons_completed: int = 0
    lessons_total: int = 0


@dataclass
class MatrixRow:
    completion: TrackCompletion
    cells: list[Cell]

    @property
    def user(self):
        return self.completion.user

    @property
    def profile(self):
        return self.completion.user.profile


@dataclass
class CourseSummary:
    track_course: TrackCourse
    completed: int
    in_progress: int
    not_started: int

    @property
    def rate(self) -> int:
        return percent(
            self.completed, self.completed + self.in_progress + self.not_started
        )


@dataclass
class Matrix:
    filters: MatrixFilters
    columns: list[TrackCourse]
    summary: dict
    courses: list[CourseSummary]
    page: object
    rows: list[MatrixRow]


class _Counted:
    """A queryset whose length is already known, so the paginator does not
    count it again."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def learners(filters: MatrixFilters):
    """The track completion rows of the chosen learners: staff of the chosen
    schools in the track, narrowed by the filters."""
    rows = TrackCompletion.objects.filter(
        track=filters.track,
        user__profile__school__in=[s.pk for s in filters.schools],
    )
    if filters.seed:
        rows = rows.filter(user__profile__is_seed_teacher=filters.seed == "yes")
    if filters.subject:
        rows = rows.filter(user__profile__subject=filters.subject)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.behind:
        condition = behind_q(filters.track, filters.on)
        rows = rows.filter(condition) if condition is not None else rows.none()
    return rows


def annotated(rows, filters: MatrixFilters):
    """Rows ready to show or export: the person, their share of the hours,
    whether they are behind, their issued certificates; sorted."""
    issued = Certificate.objects.filter(
        holder=OuterRef("user_id"), status=Certificate.Status.ISSUED
    )
    return (
        rows.select_related("user__profile__school")
        .annotate(
            progress_pct=progress_expression(),
            is_behind=behind_expression(filters.track, filters.on),
            status_order=STATUS_ORDER,
            certificate_count=Coalesce(
                Subquery(
                    issued.order_by()
                    .values("holder")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            track_certificate=Exists(issued.filter(track=filters.track)),
        )
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
    )


def summary_of(rows, filters: MatrixFilters) -> dict:
    """Counts over all the chosen learners, in one query."""
    condition = behind_q(filters.track, filters.on)
    counts = rows.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=DONE)),
        in_progress=Count("pk", filter=Q(status=IN_PROGRESS)),
        behind=Count("pk", filter=condition if condition is not None else Q(pk=0)),
    )
    counts["not_started"] = (
        counts["total"] - counts["completed"] - counts["in_progress"]
    )
    counts["rate"] = percent(counts["completed"], counts["total"])
    return counts


def cells_for(user_ids, columns) -> dict[tuple[int, int], Cell]:
    """The pivot: every completion row of these users in these courses, in
    one query, keyed by (user id, course id)."""
    if not user_ids or not columns:
        return {}
    rows = CourseCompletion.objects.filter(
        user_id__in=user_ids, course_id__in=[c.course_id for c in columns]
    ).values_list(
        "user_id",
        "course_id",
        "status",
        "score",
        "completed_at",
        "lessons_completed",
        "lessons_total",
    )
    return {(row[0], row[1]): Cell(*row[2:]) for row in rows}


def course_summaries(rows, columns, total: int) -> list[CourseSummary]:
    """For each course of the track, how many of the chosen learners have
    completed it or are in progress (one grouped query)."""
    counts = {
        row["course_id"]: row
        for row in CourseCompletion.objects.filter(
            course_id__in=[c.course_id for c in columns],
            user_id__in=rows.values("user_id"),
        )
        .values("course_id")
        .annotate(
            completed=Count("pk", filter=Q(status=DONE)),
            in_progress=Count("pk", filter=Q(status=IN_PROGRESS)),
        )
        .order_by()
    }
    summaries = []
    for column in columns:
        row = counts.get(column.course_id, {"completed": 0, "in_progress": 0})
        summaries.append(
            CourseSummary(
                column,
                row["completed"],
                row["in_progress"],
                max(0, total - row["completed"] - row["in_progress"]),
            )
        )
    return summaries


def track_columns(track: Track) -> list[TrackCourse]:
    """Required courses first, then electives, each in the track's order."""
    return list(
        track.track_courses.select_related("course").order_by(
            "-is_required", "sort_order", "pk"
        )
    )


def school_matrix(*, filters: MatrixFilters, page_number=1) -> Matrix:
    """One page of the matrix with its summary: five queries."""
    columns = track_columns(filters.track)
    rows = learners(filters)
    summary = summary_of(rows, filters)
    page = Paginator(
        _Counted(annotated(rows, filters), summary["total"]), PAGE_SIZE
    ).get_page(page_number)
    completions = list(page.object_list)
    cells = cells_for([c.user_id for c in completions], columns)
    return Matrix(
        filters=filters,
        columns=columns,
        summary=summary,
        courses=course_summaries(rows, columns, summary["total"]),
        page=page,
        rows=[
            MatrixRow(
                completion,
                [cells.get((completion.user_id, c.course_id), Cell()) for c in columns],
            )
            for completion in completions
        ],
    )


# The columns of a learner's row in an export, in order.
EXPORT_FIELDS = (
    "user_id",
    "user__name",
    "user__username",
    "user__profile__school__name",
    "user__profile__subject",
    "user__profile__is_seed_teacher",
    "status",
    "hours_earned",
    "hours_needed",
    "progress_pct",
    "required_completed",
    "required_total",
    "placement_days",
    "placement_days_needed",
    "certificate_count",
    "is_behind",
)


def matrix_value_chunks(filters: MatrixFilters, columns, size: int = 2000):
    """Every row of the matrix as plain values (EXPORT_FIELDS) with the cells
    of its chunk keyed by (user id, course id): two queries a chunk of `size`,
    so exports of any length stay in flat memory. Plain values rather than
    model instances: a 20,000-row export builds no 80,000 objects."""
    rows = annotated(learners(filters), filters).values_list(*EXPORT_FIELDS)
    course_ids = [c.course_id for c in columns]
    start = 0
    while True:
        chunk = list(rows[start : start + size])
        if not chunk:
            return
        completions = (
            CourseCompletion.objects.filter(
                user_id__in=[row[0] for row in chunk], course_id__in=course_ids
            )
            .annotate(day=TruncDate("completed_at"))
            .values_list(
                "user_id",
                "course_id",
                "status",
                "score",
                "day",
                "lessons_completed",
                "lessons_total",
            )  # fmt: skip
        )
        yield chunk, {(c[0], c[1]): c[2:] for c in completions}
        if len(chunk) < size:
            return
        start += size
