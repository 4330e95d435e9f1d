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
)
from courses.models.learning import CompletionStatus, Source
from people.models import User

from .common import DONE, _enrol_where_unlocked, _get_or_create, _locked


@transaction.atomic
def course_completion_recompute(*, user: User, course: CoursePage) -> CourseCompletion:
    """Rewrite the user's completion row for a course from their lesson progress.

    A course is complete when the completed live lessons reach what its rule
    asks. Completion is kept once reached (adding lessons later takes no hours
    back); the first completion writes one HoursEntry and enrols newly
    unlocked required courses. Whenever the status changes, the user's tracks
    that contain the course are recomputed.
    """
    completion = _locked(CourseCompletion, user=user, course=course)
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
    _get_or_create(
        HoursEntry,
        user=user,
        course=course,
        source=HoursEntry.Source.COURSE,
        defaults={
            "hours": course.credit_hours,
            "description": course.title,
            "earned_on": timezone.localdate(when),
        },
    )


def _enrol_unlocked_by(user, course) -> None:
    unlocked = CoursePage.objects.filter(
        prerequisites=course,
        track_courses__is_required=True,
        track_courses__track__enrolments__user=user,
    ).distinct()
    _enrol_where_unlocked([user], list(unlocked), Source.TRACK)


def placement_days_for(*, user: User, track: Track) -> int:
    """Approved job-shadowing days that count toward the track: those of the
    user's approved placements in rounds of the track's programme."""
    from placements.selectors import approved_days_for

    return approved_days_for(user=user, programme_id=track.programme_id)


@transaction.atomic
def track_completion_recompute(*, user: User, track: Track) -> TrackCompletion:
    """Rewrite the user's completion row for a track.

    Complete when every required course is complete, completed elective courses
    reach the minimum elective hours and approved placement days reach the
    minimum. Completion is kept once reached.
    """
    completion = _locked(TrackCompletion, user=user, track=track)
    track_courses = list(track.track_courses.select_related("course"))
    done = set(
        CourseCompletion.objects.filter(
            user=user, course__in=[tc.course for tc in track_courses], status=DONE
        ).values_list("course_id", flat=True)
    )
    started = LessonProgress.objects.filter(
        user=user, course__in=[tc.course for tc in track_courses]
    ).exists()
    required = [tc.course for tc in track_courses if tc.is_required]
    electives = [tc.course for tc in track_courses if not tc.is_required]
    completion.required_total = len(required)
    completion.required_completed = sum(1 for c in required if c.pk in done)
    completion.required_hours = sum((c.credit_hours for c in required), Decimal(0))
    completion.elective_hours = sum(
        (c.credit_hours for c in electives if c.pk in done), Decimal(0)
    )
    completion.elective_hours_needed = track.min_elective_hours
    completion.placement_days = placement_days_for(user=user, track=track)
    completion.placement_days_needed = track.min_placement_days
    completion.hours_needed = completion.required_hours + track.min_elective_hours
    completion.hours_earned = (
        sum((c.credit_hours for c in required if c.pk in done), Decimal(0))
        + completion.elective_hours
    )
    was_done = completion.status == DONE
    if was_done or (
        completion.required_completed == completion.required_total
        and completion.elective_hours >= completion.elective_hours_needed
        and completion.placement_days >= completion.placement_days_needed
    ):
        completion.status = DONE
        completion.completed_at = completion.completed_at or timezone.now()
    elif started or done or completion.placement_days:
        completion.status = CompletionStatus.IN_PROGRESS
    completion.save()
    return completion
