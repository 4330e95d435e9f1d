"""Reads for "My learning" and the office's group enrolment preview; the
reflections waiting for a trainer."""

from dataclasses import dataclass, field

from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import (
    Audience,
    CourseCompletion,
    CoursePage,
    Enrolment,
    HoursEntry,
    Reflection,
    TrackCompletion,
    TrackCourse,
    TrackEnrolment,
)
from ..models.learning import CompletionStatus


@dataclass
class TrackSummary:
    completion: TrackCompletion
    open_required: list = field(default_factory=list)
    locked_required: list = field(default_factory=list)
    electives: list = field(default_factory=list)
    next_course: CoursePage | None = None


def my_learning(user) -> dict:
    """A teacher's tracks with progress, open required courses and the next
    course to take; their other courses; and their hours ledger."""
    track_ids = TrackEnrolment.objects.filter(user=user).values("track_id")
    completions = {
        c.track_id: c
        for c in TrackCompletion.objects.filter(
            user=user, track_id__in=track_ids
        ).select_related("track")
    }
    track_courses = list(
        TrackCourse.objects.filter(track_id__in=track_ids)
        .select_related("course")
        .order_by("track_id", "sort_order")
    )
    enrolments = {
        e.course_id: e
        for e in Enrolment.objects.filter(user=user).select_related("course")
    }
    course_completions = {
        c.course_id: c for c in CourseCompletion.objects.filter(user=user)
    }
    tracks = {tid: TrackSummary(c) for tid, c in completions.items()}
    for tc in track_courses:
        summary = tracks.get(tc.track_id)
        if summary is None:
            continue
        state = course_completions.get(tc.course_id)
        done = state is not None and state.status == CompletionStatus.COMPLETED
        if tc.is_required and not done:
            enrolment = enrolments.get(tc.course_id)
            if enrolment is not None and enrolment.is_active:
                summary.open_required.append((tc.course, state))
            else:
                summary.locked_required.append(tc.course)
        elif not tc.is_required:
            summary.electives.append((tc.course, state, done))
    in_tracks = {tc.course_id for tc in track_courses}
    for summary in tracks.values():
        # Continue what the teacher has started before opening something new.
        started = [
            course
            for course, state in summary.open_required
            if state is not None and state.status == CompletionStatus.IN_PROGRESS
        ]
        if started or summary.open_required:
            summary.next_course = (started or [summary.open_required[0][0]])[0]
    return {
        "tracks": sorted(tracks.values(), key=lambda s: s.completion.track.name),
        "other_courses": [
            (e.course, course_completions.get(e.course_id))
            for e in enrolments.values()
            if e.is_active and e.course_id not in in_tracks
        ],
        "ledger": list(HoursEntry.objects.filter(user=user).select_related("course")),
        # Reflections still waiting for review or returned with comments.
        "open_reflections": list(
            Reflection.objects.filter(user=user)
            .exclude(status=Reflection.Status.ACCEPTED)
            .select_related("lesson")
            .order_by("-submitted_at")
        ),
    }


def pending_reflections_for(user):
    """Reflections waiting for review in lessons the user may edit."""
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return (
        Reflection.objects.filter(
            lesson__in=editable.values("pk"), status=Reflection.Status.SUBMITTED
        )
        .select_related("user__profile__school", "lesson")
        .order_by("submitted_at")
    )


def group_enrol_preview(*, track, users) -> dict:
    """Who a group enrolment would add to a track, who is in it already, and
    who does not fit the track's audience (seed teachers, principals)."""
    already = set(
        TrackEnrolment.objects.filter(track=track, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    new = [u for u in users if u.pk not in already]

    def fits(user) -> bool:
        if track.audience == Audience.SEED:
            return user.profile.is_seed_teacher
        if track.audience == Audience.PRINCIPALS:
            return user.profile.role == "principal"
        return True

    return {
        "new": new,
        "already": len(already),
        "misfits": [u for u in new if not fits(u)],
    }
