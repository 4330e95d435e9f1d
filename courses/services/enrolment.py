"""Enrolment in courses and tracks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    CoursePage,
    Enrolment,
    Track,
    TrackCourse,
    TrackEnrolment,
)
from courses.models.learning import Source
from courses.selectors import missing_prerequisites
from people.models import User

from .common import enrol_where_unlocked, get_or_create_row
from .completion import course_completion_recompute, track_completion_recompute


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
    enrolment = get_or_create_row(
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
        enrol_where_unlocked(users, required, source)
        for user in users:
            track_completion_recompute(user=user, track=track)
    return len({u.pk for u in users} - already)


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
