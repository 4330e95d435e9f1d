"""Lesson progress and reflections."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    ActivityResult,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Reflection,
)
from people.models import User

from .common import get_or_create_row
from .completion import course_completion_recompute


def _active_enrolment(user: User, course_id: int) -> Enrolment | None:
    return Enrolment.objects.filter(
        user=user, course_id=course_id, status=Enrolment.Status.ACTIVE
    ).first()


def course_of(lesson: LessonPage) -> CoursePage:
    """The course a lesson belongs to (its parent page)."""
    return CoursePage.objects.parent_of(lesson).get()


def lesson_visit(*, user: User, lesson: LessonPage) -> LessonProgress | None:
    """Opening a lesson of an enrolled course starts it (and the course).

    Returns the lesson's progress, or None when the user is not enrolled in
    its course. Every lesson page view and xAPI statement calls this, so a
    lesson already started costs one query.
    """
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is not None:
        return progress
    course_id = (
        Enrolment.objects.filter(
            user=user,
            course__in=CoursePage.objects.parent_of(lesson),
            status=Enrolment.Status.ACTIVE,
        )
        .values_list("course_id", flat=True)
        .first()
    )
    if course_id is None:
        return None
    progress = get_or_create_row(
        LessonProgress, user=user, lesson=lesson, defaults={"course_id": course_id}
    )
    # Recompute rather than update: enrolments made in bulk (tracks) have no
    # completion row yet, and reports read those rows.
    course_completion_recompute(user=user, course=CoursePage.objects.get(pk=course_id))
    return progress


@transaction.atomic
def lesson_mark_complete(*, user: User, lesson: LessonPage) -> LessonProgress:
    """A teacher marks a text or video lesson done.

    Raises ValidationError when the teacher is not enrolled, or when the lesson
    completes by accepted reflections and passed activities instead.
    """
    course = course_of(lesson)
    if _active_enrolment(user, course.pk) is None:
        raise ValidationError(_("Enrol in the course to record your progress."))
    if lesson.completes_automatically:
        raise ValidationError(
            _(
                "This lesson is complete when its activities are passed and a "
                "trainer accepts your reflection."
            )
            if lesson.activity_blocks and lesson.reflection_block_ids
            else _("This lesson is complete when you pass its activities.")
            if lesson.activity_blocks
            else _("This lesson is complete when a trainer accepts your reflection.")
        )
    return _complete_lesson(user, lesson, course)


def lesson_check_completion(*, user: User, lesson: LessonPage) -> bool:
    """Complete a lesson whose every reflection is accepted and every H5P
    activity passed. Returns whether the lesson is complete."""
    accepted = set(
        Reflection.objects.filter(
            user=user, lesson=lesson, status=Reflection.Status.ACCEPTED
        ).values_list("block_id", flat=True)
    )
    passed = set(
        ActivityResult.objects.filter(
            user=user, lesson=lesson, passed_at__isnull=False
        ).values_list("block_id", flat=True)
    )
    if (
        set(lesson.reflection_block_ids) <= accepted
        and set(lesson.activity_blocks) <= passed
    ):
        _complete_lesson(user, lesson, course_of(lesson))
        return True
    return False


def _complete_lesson(user, lesson, course) -> LessonProgress:
    progress = get_or_create_row(
        LessonProgress, user=user, lesson=lesson, defaults={"course": course}
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.status = LessonProgress.Status.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["status", "completed_at"])
    course_completion_recompute(user=user, course=course)
    return progress


@transaction.atomic
def reflection_submit(
    *, user: User, lesson: LessonPage, block_id: str, text: str
) -> Reflection:
    """Save a teacher's answer to a reflection prompt for review.

    Raises ValidationError when the teacher is not enrolled, the prompt is not
    in the lesson, the answer is shorter than the prompt asks, or the answer
    was already accepted.
    """
    course = course_of(lesson)
    if _active_enrolment(user, course.pk) is None:
        raise ValidationError(_("Enrol in the course to submit reflections."))
    block = next(
        (b for b in lesson.body if b.block_type == "reflection" and b.id == block_id),
        None,
    )
    if block is None:
        raise ValidationError(_("This reflection prompt no longer exists."))
    text = text.strip()
    if len(text) < block.value["min_chars"]:
        raise ValidationError(
            _("Please write at least %(count)d characters (you wrote %(written)d).")
            % {"count": block.value["min_chars"], "written": len(text)}
        )
    # Locked, so a second submit arriving at the same time (a double click)
    # waits for the first instead of failing on the unique constraint.
    reflection = get_or_create_row(
        Reflection, user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
    )
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.status == Reflection.Status.ACCEPTED:
        raise ValidationError(_("This reflection has already been accepted."))
    reflection.text = text
    reflection.status = Reflection.Status.SUBMITTED
    reflection.save()
    lesson_visit(user=user, lesson=lesson)
    return reflection


@transaction.atomic
def reflection_review(
    *, reflection: Reflection, reviewer: User, accept: bool, feedback: str = ""
) -> Reflection:
    """A trainer accepts a reflection or returns it with comments. When every
    reflection of the lesson is accepted, the lesson is complete.

    Raises ValidationError when returning without comments or when the
    reflection is not waiting for review.
    """
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.status != Reflection.Status.SUBMITTED:
        raise ValidationError(_("This reflection is not waiting for review."))
    if not accept and not feedback.strip():
        raise ValidationError(_("Say what to improve when returning a reflection."))
    reflection.status = (
        Reflection.Status.ACCEPTED if accept else Reflection.Status.RETURNED
    )
    reflection.feedback = feedback.strip()
    reflection.reviewed_by = reviewer
    reflection.reviewed_at = timezone.now()
    # submitted_at is auto_now: a full save would stamp the review time on it.
    reflection.save(update_fields=["status", "feedback", "reviewed_by", "reviewed_at"])
    if accept:
        lesson_check_completion(user=reflection.user, lesson=reflection.lesson)
    return reflection
