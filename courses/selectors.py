"""Reads for courses: catalog, course and lesson pages, "My learning".
Each runs a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from .h5p import embed
from .models import (
    ActivityResult,
    Audience,
    CourseCategory,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Reflection,
    TrackCompletion,
    TrackCourse,
    TrackEnrolment,
)
from .models.learning import CompletionStatus
from .permissions import can_edit_page

FILTERS = ("category", "kind", "audience", "delivery")


def lesson_counts(courses) -> dict[int, int]:
    """Live lessons per course, in one grouped query over the page tree."""
    paths = {c.path: c.pk for c in courses}
    if not paths:
        return {}
    rows = (
        LessonPage.objects.live()
        .annotate(parent_path=Substr("path", 1, Length("path") - 4))
        .filter(parent_path__in=paths)
        # Page querysets order by path, which would otherwise join the GROUP BY.
        .order_by()
        .values("parent_path")
        .annotate(n=Count("pk"))
    )
    return {paths[row["parent_path"]]: row["n"] for row in rows}


def catalog_for(*, index, user, params) -> dict:
    """Live courses of the catalog, filtered by category, required/elective,
    audience and delivery; with the user's enrolments and completions."""
    courses = (
        CoursePage.objects.live()
        .public()
        .child_of(index)
        .select_related("category", "cover_image")
        .order_by("path")
    )
    selected = {}
    choices = {
        "category": {c.code: c for c in CourseCategory.objects.all()},
        "kind": dict(CoursePage.Kind.choices),
        "audience": dict(Audience.choices),
        "delivery": dict(CoursePage.Delivery.choices),
    }
    for name in FILTERS:
        value = params.get(name, "")
        if value in choices[name]:
            selected[name] = value
            lookup = "category__code" if name == "category" else name
            courses = courses.filter(**{lookup: value})
    courses = list(courses)
    return {
        "courses": courses,
        "lesson_counts": lesson_counts(courses),
        "filter_choices": choices,
        "selected": selected,
        **_user_course_states(user, courses),
    }


def _user_course_states(user, courses) -> dict:
    if not user.is_authenticated or not courses:
        return {"enrolled_ids": set(), "completions": {}}
    enrolled = set(
        Enrolment.objects.filter(
            user=user, course__in=courses, status=Enrolment.Status.ACTIVE
        ).values_list("course_id", flat=True)
    )
    completions = {
        c.course_id: c
        for c in CourseCompletion.objects.filter(user=user, course__in=courses)
    }
    return {"enrolled_ids": enrolled, "completions": completions}


@dataclass
class LessonState:
    lesson: LessonPage
    status: str = ""  # "", "started" or "completed"


def _lesson_states(user, course) -> list[LessonState]:
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    progress = {}
    if user.is_authenticated:
        progress = dict(
            LessonProgress.objects.filter(user=user, course=course).values_list(
                "lesson_id", "status"
            )
        )
    return [LessonState(lesson, progress.get(lesson.pk, "")) for lesson in lessons]


def next_lesson(states: list[LessonState]) -> LessonPage | None:
    """The first lesson not yet completed, in course order."""
    for state in states:
        if state.status != LessonProgress.Status.COMPLETED:
            return state.lesson
    return None


def missing_prerequisites(
    *, user, course: CoursePage, prerequisites: list | None = None
) -> list[CoursePage]:
    """The course's prerequisites the user has not completed, in catalog order.
    Callers that already hold the prerequisites may pass them."""
    if prerequisites is None:
        prerequisites = list(course.prerequisites.order_by("path"))
    if not prerequisites:
        return []
    done = set(
        CourseCompletion.objects.filter(
            user=user, course__in=prerequisites, status=CompletionStatus.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [p for p in prerequisites if p.pk not in done]


def course_page_context(*, course, user) -> dict:
    states = _lesson_states(user, course)
    context = {
        "lesson_states": states,
        "enrolment": None,
        "completion": None,
        "missing_prerequisites": [],
        "next_lesson": None,
        "prerequisites": list(course.prerequisites.order_by("path")),
        "catalog": CourseIndexPage.objects.parent_of(course).first(),
    }
    if user.is_authenticated:
        context["enrolment"] = Enrolment.objects.filter(
            user=user, course=course
        ).first()
        context["completion"] = CourseCompletion.objects.filter(
            user=user, course=course
        ).first()
        context["missing_prerequisites"] = missing_prerequisites(
            user=user, course=course, prerequisites=context["prerequisites"]
        )
        context["next_lesson"] = next_lesson(states)
        # A course a track of theirs requires is dropped only by the office.
        context["can_withdraw"] = not TrackCourse.objects.filter(
            course=course, is_required=True, track__enrolments__user=user
        ).exists()
    return context


def enrolled_in_course_of(user, lesson) -> bool:
    """Whether the user is actively enrolled in the course holding the lesson."""
    return Enrolment.objects.filter(
        user=user,
        course__in=CoursePage.objects.parent_of(lesson),
        status=Enrolment.Status.ACTIVE,
    ).exists()


def activity_summary(result) -> str:
    """One line for the learner: attempts, best score, passed or not."""
    best = round(100 * result.best_scaled) if result.best_scaled is not None else 0
    text = _("Attempts: %(attempts)d · best score: %(best)d%%") % {
        "attempts": result.attempts,
        "best": best,
    }
    state = _("passed") if result.passed else _("not passed yet")
    return f"{text} · {state}"


def activity_iri(lesson, block_id: str) -> str:
    """The xAPI object id of one activity of a lesson."""
    return f"{settings.WAGTAILADMIN_BASE_URL}/h5p/{lesson.pk}/{block_id}"


def site_origin() -> str:
    """This site's origin (scheme and host of SITE_URL)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def activity_player_options(*, lesson, block, user) -> dict:
    """What the lesson page needs for one activity it may play: the embed
    page of its sandbox (a capability for this user, lesson, block and
    package, courses.h5p.embed), the activity's IRI to check messages against,
    and where to post statements and resume state."""
    token = embed.embed_token(
        user=user, lesson=lesson, block_id=block.id, package=block.value["package"]
    )
    return {
        "scriptId": f"h5p-options-{block.id}",
        "statusId": f"h5p-status-{block.id}",
        "activity": block.id,
        "title": block.value["title"],
        "embedUrl": embed.embed_url(token),
        # The sandbox's messages come from an opaque origin ("null"), or from
        # the content origin should it ever be allowed its own origin.
        "contentOrigin": settings.H5P_CONTENT_ORIGIN,
        "iri": activity_iri(lesson, block.id),
        "xapiUrl": reverse("courses:xapi_statement", args=[lesson.pk, block.id]),
        "stateUrl": reverse(
            "courses:h5p_user_data",
            args=[lesson.pk, block.id, ":dataType", ":subContentId"],
        ),
        "offlineText": _("Your result could not be sent. Check your connection."),
    }


def lesson_page_context(*, lesson, user) -> dict:
    course = CoursePage.objects.parent_of(lesson).select_related("category").first()
    states = _lesson_states(user, course)
    position = next(i for i, s in enumerate(states) if s.lesson.pk == lesson.pk)
    enrolment = None
    reflections = {}
    if user.is_authenticated:
        enrolment = Enrolment.objects.filter(
            user=user, course=course, status=Enrolment.Status.ACTIVE
        ).first()
        reflections = {
            r.block_id: r for r in Reflection.objects.filter(user=user, lesson=lesson)
        }
    can_study = enrolment is not None or can_edit_page(user, lesson)
    activities = lesson.activity_blocks
    results = {}
    if activities and user.is_authenticated:
        results = {
            r.block_id: r
            for r in ActivityResult.objects.filter(user=user, lesson=lesson)
        }
    return {
        "course": course,
        "lesson_states": states,
        "lesson_status": states[position].status,
        "previous_lesson": states[position - 1].lesson if position else None,
        "following_lesson": (
            states[position + 1].lesson if position + 1 < len(states) else None
        ),
        "enrolment": enrolment,
        "can_study": can_study,
        "reflections": reflections,
        "activity_results": results,
        "activity_summaries": {k: activity_summary(r) for k, r in results.items()},
        "activity_options": {
            block_id: activity_player_options(lesson=lesson, block=block, user=user)
            for block_id, block in activities.items()
            if block.value["package"] is not None and block.value["package"].is_ready
        }
        if can_study
        else {},
    }


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


def catalog_url() -> str | None:
    """Where the course catalog lives in the page tree, if it has been created."""
    index = CourseIndexPage.objects.live().only("url_path").first()
    return index.url if index is not None else None


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


def can_read_document(user, document) -> bool:
    """Whether `user` may download a Wagtail document (lesson handouts,
    videos, captions). Those who manage documents always may; anyone else only
    through a live page that uses it: one in the course catalog for those
    actively enrolled in that course, a page outside it (the site's public
    pages) for everyone. A document no live page uses is the editors' alone."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page, ReferenceIndex
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_document_model())
    if user.is_authenticated and permission_policy.user_has_any_permission(
        user, ["add", "change", "choose"]
    ):
        return True
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type__app_label="wagtailcore")
        .values_list("object_id", flat=True)
        if object_id.isdigit()
    }
    for page in Page.objects.live().filter(pk__in=page_ids):
        course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
        if course is None:
            return True
        if user.is_authenticated and (
            Enrolment.objects.filter(
                user=user, course=course, status=Enrolment.Status.ACTIVE
            ).exists()
        ):
            return True
    return False
