"""Completion rows and the hours ledger, recomputed whenever an event arrives."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import (
    ActivityResult,
    CourseCompletion,
    CoursePage,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Track,
    TrackCompletion,
    TrackRequirementProgress,
)
from courses.models.learning import CompletionStatus, Source
from courses.requirement_kinds import one_read_per_recompute, track_courses_state
from courses.requirements import kinds
from people.models import User

from .common import DONE, enrol_where_unlocked, locked_row
from .hours import hours_entry_record


@transaction.atomic
def course_completion_recompute(*, user: User, course: CoursePage) -> CourseCompletion:
    """Rewrite the user's completion row for a course from their lesson progress.

    A course is complete when the completed live lessons reach what its rule
    asks. Completion is kept once reached (adding lessons later takes no hours
    back); the first completion writes one HoursEntry and enrols newly
    unlocked required courses. Whenever the status changes, the user's tracks
    that contain the course are recomputed.
    """
    completion = locked_row(CourseCompletion, user=user, course=course)
    status_before = completion.status
    lessons = LessonPage.objects.live().child_of(course)
    total = lessons.count()
    done = LessonProgress.objects.filter(
        user=user, lesson__in=lessons, status=LessonProgress.Status.COMPLETED
    ).count()
    was_done = completion.status == DONE
    if was_done or (total and done >= course.completed_lessons_needed(total)):
        completion.status = DONE
    elif done or LessonProgress.objects.filter(user=user, course=course).exists():
        completion.status = CompletionStatus.IN_PROGRESS
    completion.lessons_total = total
    completion.lessons_completed = done
    completion.score = _course_score(user, lessons)
    if completion.status == DONE and not was_done:
        completion.completed_at = timezone.now()
        _hours_for_course(user, course, completion.completed_at)
    completion.save()
    if completion.status == DONE and not was_done:
        _enrol_unlocked_by(user, course)
    if completion.status != status_before:
        tracks = Track.objects.filter(
            enrolments__user=user, track_courses__course=course
        ).distinct()
        for track in tracks:
            track_completion_recompute(user=user, track=track)
    return completion


def _course_score(user, lessons) -> Decimal | None:
    """The mean of the user's best scores (0-100) in the course's H5P
    activities, or None while no activity has a score."""
    best = [
        row.best_scaled
        for row in ActivityResult.objects.filter(
            user=user, lesson__in=lessons, best_scaled__isnull=False
        ).only("best_scaled")
    ]
    if not best:
        return None
    return (100 * sum(best, Decimal(0)) / len(best)).quantize(Decimal("0.01"))


def _hours_for_course(user, course, when) -> None:
    hours_entry_record(
        user=user,
        course=course,
        source=HoursEntry.Source.COURSE,
        hours=course.credit_hours,
        description=course.title,
        earned_on=timezone.localdate(when),
    )


def _enrol_unlocked_by(user, course) -> None:
    unlocked = CoursePage.objects.filter(
        prerequisites=course,
        track_courses__is_required=True,
        track_courses__track__enrolments__user=user,
    ).distinct()
    enrol_where_unlocked([user], list(unlocked), Source.TRACK)


@transaction.atomic
def track_completion_recompute(*, user: User, track: Track) -> TrackCompletion:
    """Rewrite the user's completion row for a track and its requirement rows.

    Every registered requirement kind (courses.requirements) gives its
    progress, stored as one TrackRequirementProgress row; the track is complete
    when every kind is met (required courses, elective hours, placement days
    and whatever else is registered). Completion is kept once reached. The
    credit-hour totals and the kinds' summary columns are cached on the row
    for the reports.
    """
    completion = locked_row(TrackCompletion, user=user, track=track)
    with one_read_per_recompute():
        progress = {kind: kind.progress(user=user, track=track) for kind in kinds()}
        _credit_hours_summary(completion, user, track)
    _requirement_rows_write(user, track, progress)
    for kind, value in progress.items():
        if kind.summary:
            done_column, needed_column = kind.summary
            setattr(completion, done_column, value.done)
            setattr(completion, needed_column, value.needed)
    was_done = completion.status == DONE
    if was_done or all(kind.is_met(value) for kind, value in progress.items()):
        completion.status = DONE
        completion.completed_at = completion.completed_at or timezone.now()
    elif any(value.started for value in progress.values()):
        completion.status = CompletionStatus.IN_PROGRESS
    completion.save()
    return completion


def _requirement_rows_write(user, track, progress) -> None:
    now = timezone.now()
    TrackRequirementProgress.objects.bulk_create(
        [
            TrackRequirementProgress(
                user=user,
                track=track,
                kind=kind.code,
                done=value.done,
                needed=value.needed,
                updated_at=now,
            )
            for kind, value in progress.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "track", "kind"],
        update_fields=["done", "needed", "updated_at"],
    )


def _credit_hours_summary(completion, user, track) -> None:
    """Hours of the required courses, and hours earned against those plus
    the minimum elective hours."""
    rows, done = track_courses_state(user=user, track=track)
    required = [(c, h) for c, is_required, h in rows if is_required]
    electives = [(c, h) for c, is_required, h in rows if not is_required]
    completion.required_hours = sum((h for _c, h in required), Decimal(0))
    completion.hours_needed = completion.required_hours + track.min_elective_hours
    completion.hours_earned = sum(
        (h for c, h in [*required, *electives] if c in done), Decimal(0)
    )


def tracks_recompute_for(*, user: User, programme_id: int | None = None) -> None:
    """Recompute the user's tracks (those of the programme, if given)."""
    tracks = Track.objects.filter(enrolments__user=user)
    if programme_id is not None:
        tracks = tracks.filter(programme_id=programme_id)
    for track in tracks.distinct():
        track_completion_recompute(user=user, track=track)


def tracks_recompute_on_progress(sender, *, user, programme_id=None, **kwargs):
    """Receiver of courses.requirements.progress_changed."""
    tracks_recompute_for(user=user, programme_id=programme_id)
