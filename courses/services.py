"""Writes for courses: enrolment, progress, reflections and completion.

Completion is recomputed here whenever a learning event arrives and stored in
CourseCompletion / TrackCompletion rows; every hour earned becomes a HoursEntry.
All writes are idempotent and safe under concurrent events: the database holds
the unique constraints, and recomputation locks the completion row it rewrites.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import User

from .models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Reflection,
    Track,
    TrackCompletion,
    TrackCourse,
    TrackEnrolment,
)
from .models.learning import CompletionStatus, Source

DONE = CompletionStatus.COMPLETED


def _get_or_create(model, **lookup):
    """get_or_create that survives a concurrent insert of the same row."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup)[0]
    except IntegrityError:
        return model.objects.get(**{k: v for k, v in lookup.items() if k != "defaults"})


# Enrolment ---------------------------------------------------------------------


def missing_prerequisites(*, user: User, course: CoursePage) -> list[CoursePage]:
    """The course's prerequisites the user has not completed, in catalog order."""
    prerequisites = list(course.prerequisites.order_by("path"))
    if not prerequisites:
        return []
    done = set(
        CourseCompletion.objects.filter(
            user=user, course__in=prerequisites, status=DONE
        ).values_list("course_id", flat=True)
    )
    return [p for p in prerequisites if p.pk not in done]


@transaction.atomic
def enrolment_create(
    *, user: User, course: CoursePage, source: str = Source.SELF
) -> Enrolment:
    """Enrol a user in one course (again, if they had withdrawn).

    Self-enrolment needs a live course open for self-enrolment. Every source
    needs the prerequisites completed. Raises ValidationError naming what is
    missing; an existing active enrolment is returned unchanged.
    """
    if source == Source.SELF and not (course.live and course.self_enrolment):
        raise ValidationError(_("This course is not open for self-enrolment."))
    missing = missing_prerequisites(user=user, course=course)
    if missing:
        raise ValidationError(
            _("Complete these courses first: %(courses)s")
            % {"courses": "、".join(c.title for c in missing)}
        )
    enrolment = _get_or_create(
        Enrolment, user=user, course=course, defaults={"source": source}
    )
    if not enrolment.is_active:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.withdrawn_at = None
        enrolment.save(update_fields=["status", "withdrawn_at"])
    course_completion_recompute(user=user, course=course)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, by_office: bool = False) -> Enrolment:
    """Withdraw from a course. Teachers cannot drop a course that a track they
    are enrolled in requires; the programme office can. Progress is kept, so
    enrolling again continues where the teacher left off."""
    if (
        not by_office
        and TrackCourse.objects.filter(
            course=enrolment.course,
            is_required=True,
            track__enrolments__user=enrolment.user,
        ).exists()
    ):
        raise ValidationError(
            _("This course is required by your track; ask the programme office.")
        )
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


def track_enrol(
    *, track: Track, users, source: str = Source.TRACK, enrolled_by=None
) -> int:
    """Enrol users in a track and in its required courses whose prerequisites
    they have completed (the others follow as prerequisites are completed).
    Idempotent; returns how many users were newly enrolled in the track."""
    users = list(users)
    with transaction.atomic():
        already = set(
            TrackEnrolment.objects.filter(track=track, user__in=users).values_list(
                "user_id", flat=True
            )
        )
        TrackEnrolment.objects.bulk_create(
            [
                TrackEnrolment(
                    user=u, track=track, source=source, enrolled_by=enrolled_by
                )
                for u in users
                if u.pk not in already
            ],
            ignore_conflicts=True,
        )
        required = [
            tc.course
            for tc in track.track_courses.select_related("course")
            if tc.is_required
        ]
        _enrol_where_unlocked(users, required, source)
        for user in users:
            track_completion_recompute(user=user, track=track)
    return len({u.pk for u in users} - already)


def _enrol_where_unlocked(users, courses, source) -> None:
    course_ids = [c.pk for c in courses]
    prereqs: dict[int, set[int]] = {}
    through = CoursePage.prerequisites.through
    for row in through.objects.filter(from_coursepage_id__in=course_ids):
        prereqs.setdefault(row.from_coursepage_id, set()).add(row.to_coursepage_id)
    needed = set().union(*prereqs.values()) if prereqs else set()
    done: dict[int, set[int]] = {}
    for user_id, course_id in CourseCompletion.objects.filter(
        user__in=users, course_id__in=needed, status=DONE
    ).values_list("user_id", "course_id"):
        done.setdefault(user_id, set()).add(course_id)
    Enrolment.objects.bulk_create(
        [
            Enrolment(user=u, course=c, source=source)
            for u in users
            for c in courses
            if prereqs.get(c.pk, set()) <= done.get(u.pk, set())
        ],
        update_conflicts=True,
        unique_fields=["user", "course"],
        update_fields=["status"],
    )


def users_for_group(*, cohort=None, school=None, role: str | None = None):
    """The people a group enrolment applies to: members of a cohort, staff of a
    school, holders of a role, or the intersection of those given."""
    if cohort is None and school is None and not role:
        raise ValidationError(_("Choose a cohort, a school or a role."))
    users = User.objects.filter(is_active=True, profile__isnull=False)
    if cohort is not None:
        users = users.filter(cohorts=cohort)
    if school is not None:
        users = users.filter(profile__school=school)
    if role:
        users = users.filter(profile__role=role)
    return users.distinct()


# Progress ----------------------------------------------------------------------


def _active_enrolment(user: User, course_id: int) -> Enrolment | None:
    return Enrolment.objects.filter(
        user=user, course_id=course_id, status=Enrolment.Status.ACTIVE
    ).first()


def _course_of(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.parent_of(lesson).get()


def lesson_visit(*, user: User, lesson: LessonPage) -> LessonProgress | None:
    """Opening a lesson of an enrolled course starts it (and the course)."""
    course_id = (
        CoursePage.objects.parent_of(lesson).values_list("pk", flat=True).first()
    )
    if course_id is None or _active_enrolment(user, course_id) is None:
        return None
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is None:
        progress = _get_or_create(
            LessonProgress, user=user, lesson=lesson, defaults={"course_id": course_id}
        )
        # Recompute rather than update: enrolments made in bulk (tracks) have
        # no completion row yet, and reports read those rows.
        course_completion_recompute(
            user=user, course=CoursePage.objects.get(pk=course_id)
        )
    return progress


@transaction.atomic
def lesson_mark_complete(*, user: User, lesson: LessonPage) -> LessonProgress:
    """A teacher marks a text or video lesson done.

    Raises ValidationError when the teacher is not enrolled, or when the lesson
    completes by accepted reflections instead.
    """
    course = _course_of(lesson)
    if _active_enrolment(user, course.pk) is None:
        raise ValidationError(_("Enrol in the course to record your progress."))
    if lesson.completes_by_reflection:
        raise ValidationError(
            _("This lesson is complete when a trainer accepts your reflection.")
        )
    return _complete_lesson(user, lesson, course)


def _complete_lesson(user, lesson, course) -> LessonProgress:
    progress = _get_or_create(
        LessonProgress, user=user, lesson=lesson, defaults={"course": course}
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.status = LessonProgress.Status.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["status", "completed_at"])
    course_completion_recompute(user=user, course=course)
    return progress


# Reflections -------------------------------------------------------------------


@transaction.atomic
def reflection_submit(
    *, user: User, lesson: LessonPage, block_id: str, text: str
) -> Reflection:
    """Save a teacher's answer to a reflection prompt for review.

    Raises ValidationError when the teacher is not enrolled, the prompt is not
    in the lesson, the answer is shorter than the prompt asks, or the answer
    was already accepted.
    """
    course = _course_of(lesson)
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
    reflection = Reflection.objects.filter(
        user=user, lesson=lesson, block_id=block_id
    ).first()
    if reflection is not None and reflection.status == Reflection.Status.ACCEPTED:
        raise ValidationError(_("This reflection has already been accepted."))
    if reflection is None:
        reflection = Reflection(user=user, lesson=lesson, block_id=block_id)
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
    reflection.save()
    lesson = reflection.lesson
    accepted = set(
        Reflection.objects.filter(
            user=reflection.user, lesson=lesson, status=Reflection.Status.ACCEPTED
        ).values_list("block_id", flat=True)
    )
    if accept and set(lesson.reflection_block_ids) <= accepted:
        _complete_lesson(reflection.user, lesson, _course_of(lesson))
    return reflection


# Completion --------------------------------------------------------------------


def _locked(model, **lookup):
    row = _get_or_create(model, **lookup)
    return model.objects.select_for_update().get(pk=row.pk)


@transaction.atomic
def course_completion_recompute(*, user: User, course: CoursePage) -> CourseCompletion:
    """Rewrite the user's completion row for a course from their lesson progress.

    A course is complete when the completed live lessons reach what its rule
    asks. Completion is kept once reached (adding lessons later takes no hours
    back); the first completion writes one HoursEntry, then the user's tracks
    that contain the course are recomputed and newly unlocked required courses
    enrolled.
    """
    completion = _locked(CourseCompletion, user=user, course=course)
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
    if completion.status == DONE and not was_done:
        completion.completed_at = timezone.now()
        _hours_for_course(user, course, completion.completed_at)
    completion.save()
    if completion.status == DONE and not was_done:
        _on_course_completed(user, course)
    return completion


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


def _on_course_completed(user, course) -> None:
    tracks = Track.objects.filter(enrolments__user=user, track_courses__course=course)
    unlocked = CoursePage.objects.filter(
        prerequisites=course,
        track_courses__is_required=True,
        track_courses__track__enrolments__user=user,
    ).distinct()
    _enrol_where_unlocked([user], list(unlocked), Source.TRACK)
    for track in tracks.distinct():
        track_completion_recompute(user=user, track=track)


def placement_days_for(*, user: User, track: Track) -> int:
    """Approved job-shadowing days that count toward the track. Placements are
    not recorded yet (the placements app will be their source), so no one has
    any approved days."""
    return 0


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
