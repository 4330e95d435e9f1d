"""Reads for course and lesson pages: lesson states, prerequisites, the H5P
activity player's options and results; who may read a document."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ..h5p import embed
from ..models import (
    ActivityResult,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Reflection,
    TrackCourse,
)
from ..models.learning import CompletionStatus
from ..permissions import can_edit_page


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
