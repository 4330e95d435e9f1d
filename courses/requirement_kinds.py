"""The track requirements courses provides: required courses and elective
hours. Registered in CoursesConfig.ready()."""

from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import CourseCompletion, LessonProgress, TrackCourse
from courses.models.learning import CompletionStatus

from .requirements import Progress, RequirementKind

DONE = CompletionStatus.COMPLETED


# (user id, track id) -> track_courses_state's answer, while one recompute
# runs (one_read_per_recompute); None outside.
_read_once: ContextVar[dict | None] = ContextVar("track_courses_state", default=None)


@contextmanager
def one_read_per_recompute():
    """Within, track_courses_state reads each person's track once: the two
    course kinds and the credit-hour summary of one track recompute share
    the same two queries instead of running them three times."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def track_courses_state(*, user, track):
    """The track's courses as (course_id, is_required, credit_hours) and the
    ids of those the user completed."""
    memo = _read_once.get()
    key = (user.pk, track.pk)
    if memo is None or key not in memo:
        state = _read_track_courses_state(user, track)
        if memo is None:
            return state
        memo[key] = state
    return memo[key]


def _read_track_courses_state(user, track):
    rows = list(
        TrackCourse.objects.filter(track=track).values_list(
            "course_id", "is_required", "course__credit_hours"
        )
    )
    done = set(
        CourseCompletion.objects.filter(
            user=user, course_id__in=[r[0] for r in rows], status=DONE
        ).values_list("course_id", flat=True)
    )
    return rows, done


class RequiredCourses(RequirementKind):
    code = "required_courses"
    order = 10
    unit = _("courses")
    summary = ("required_completed", "required_total")

    def progress(self, *, user, track) -> Progress:
        rows, done = track_courses_state(user=user, track=track)
        required = [course_id for course_id, is_required, _h in rows if is_required]
        # Opening a lesson of any of the track's courses starts the track.
        active = bool(done) or (
            LessonProgress.objects.filter(
                user=user, course_id__in=[r[0] for r in rows]
            ).exists()
        )
        return Progress(
            done=sum(1 for c in required if c in done),
            needed=len(required),
            unit=self.unit,
            active=active,
        )

    def missing(self, progress: Progress) -> str:
        return gettext("Required courses: %(done)d of %(total)d completed.") % {
            "done": progress.done,
            "total": progress.needed,
        }


class ElectiveHours(RequirementKind):
    code = "elective_hours"
    order = 20
    unit = _("credit hours")
    summary = ("elective_hours", "elective_hours_needed")

    def progress(self, *, user, track) -> Progress:
        rows, done = track_courses_state(user=user, track=track)
        hours = sum(
            (h for c, is_required, h in rows if not is_required and c in done),
            Decimal(0),
        )
        return Progress(done=hours, needed=track.min_elective_hours, unit=self.unit)

    def missing(self, progress: Progress) -> str:
        tenth = Decimal("0.1")
        return gettext("Elective hours: %(done)s of %(total)s.") % {
            "done": Decimal(progress.done).quantize(tenth),
            "total": Decimal(progress.needed).quantize(tenth),
        }
