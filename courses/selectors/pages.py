"""Reads for course and lesson pages: lesson states, prerequisites, the H5P
activity player's options and results; who may read a document."""

from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Subquery
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from ..h5p import assets, embed
from ..h5p.l10n import core_l10n
from ..models import (
    ActivityResult,
    CourseCompletion,
    CoursePage,
    Enrolment,
    H5PUserData,
    LessonPage,
    LessonProgress,
    Reflection,
    TrackCourse,
)
from ..models.learning import CompletionStatus
from ..permissions import can_edit_page
from .catalog import catalog_link

# Resume states handed to the player, at most, per activity.
MAX_PRELOADED_STATES = 50


# What a list of lessons shows of each: its title and link, its length.
LESSON_LINK_FIELDS = (
    "id", "path", "depth", "url_path", "title", "live", "content_type_id",
    "estimated_minutes",
)  # fmt: skip


@dataclass
class LessonState:
    lesson: LessonPage
    status: str = ""  # "", "started" or "completed"


def _lessons_with_status(user, course):
    """The course's live lessons in order, annotated with the signed-in
    user's `progress_status` of each (None where not started)."""
    lessons = LessonPage.objects.live().child_of(course).order_by("path")
    if not user.is_authenticated:
        return lessons
    return lessons.annotate(
        progress_status=Subquery(
            LessonProgress.objects.filter(user=user, lesson=OuterRef("pk")).values(
                "status"
            )[:1]
        )
    )


def _lesson_states(user, course) -> list[LessonState]:
    """The course's live lessons in order, with the user's status of each, in
    one query; their bodies are not loaded (titles and links only)."""
    lessons = _lessons_with_status(user, course).only(*LESSON_LINK_FIELDS)
    return [
        LessonState(lesson, getattr(lesson, "progress_status", None) or "")
        for lesson in lessons
    ]


def _lesson_neighbours(
    user, course, lesson
) -> tuple[str, LessonPage | None, LessonPage | None]:
    """The user's status of `lesson` and the live lessons before and after it,
    in one query of rows (a lesson page links two lessons: the other
    siblings are never made into pages)."""
    lessons = _lessons_with_status(user, course)
    fields = [*LESSON_LINK_FIELDS, "page_ptr_id"]
    if user.is_authenticated:
        fields.append("progress_status")
    rows = list(lessons.values(*fields))
    position = next(i for i, row in enumerate(rows) if row["id"] == lesson.pk)
    status = rows[position].get("progress_status") or ""
    before = _page_of_row(rows[position - 1]) if position else None
    after = _page_of_row(rows[position + 1]) if position + 1 < len(rows) else None
    return status, before, after


def _page_of_row(row: dict) -> LessonPage:
    """A LessonPage of the fields `row` holds (the others deferred), as the
    ORM would have loaded it."""
    names = [f.attname for f in LessonPage._meta.concrete_fields if f.attname in row]
    return LessonPage.from_db(DEFAULT_DB_ALIAS, names, [row[n] for n in names])


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
        "catalog": catalog_link(),
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


def _active_enrolments_in_course_of(user, lesson):
    return Enrolment.objects.filter(
        user=user,
        course__in=CoursePage.objects.parent_of(lesson),
        status=Enrolment.Status.ACTIVE,
    )


def enrolled_in_course_of(user, lesson) -> bool:
    """Whether the user is actively enrolled in the course holding the lesson."""
    return _active_enrolments_in_course_of(user, lesson).exists()


def enrolled_and_started(user, lesson) -> tuple[bool, bool]:
    """Whether the user is actively enrolled in the course holding the
    lesson, and whether they have started the lesson, in one query."""
    started = (
        _active_enrolments_in_course_of(user, lesson)
        .annotate(
            started=Exists(LessonProgress.objects.filter(user=user, lesson=lesson))
        )
        .values_list("started", flat=True)
        .first()
    )
    return started is not None, bool(started)


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


def activity_player_options(*, lesson, block, user, user_data=None) -> dict:
    """What the lesson page needs to play one activity it may play
    (static/js/h5p-lesson.js): the player core and the package's aggregated
    library code to fetch and hand into the sandbox, the content files to hand
    over with it, the player's H5PIntegration (content, resume state, strings),
    the activity's IRI to check messages against, and where to post
    statements and resume state. URLs are paths; the page makes them absolute.
    `user_data` is the viewer's saved resume state of this package,
    {subContentId: {dataType: data}}."""
    package = block.value["package"]
    built = package.assets
    content_id = f"cid-{block.id}"
    iri = activity_iri(lesson, block.id)
    # The sandbox loads a content file itself (with this capability, having
    # no cookies) only when it was too big to hand over.
    token = embed.embed_token(
        user=user, lesson=lesson, block_id=block.id, package=package
    )
    files = [
        [name, reverse("courses:h5p_content", args=[lesson.pk, block.id, name])]
        for name, size in built.get("files", [])
        if size <= assets.HANDOVER_MAX_BYTES
    ]
    integration = {
        "baseUrl": "",
        "url": "",
        "urlLibraries": embed.content_url("/h5p/libraries"),
        "libraryDirectories": built.get("libraries", {}),
        "postUserStatistics": False,
        "saveFreq": 30,
        "ajax": {},
        "l10n": {"H5P": core_l10n()},
        "contents": {
            content_id: {
                "library": built.get("main", ""),
                "jsonContent": assets.content_json(package),
                "title": block.value["title"],
                "url": iri,
                "contentUrl": embed.files_url(token, "content") + "/content",
                "fullScreen": False,
                "displayOptions": {
                    "frame": False,
                    "export": False,
                    "embed": False,
                    "copyright": False,
                    "icon": False,
                    "copy": False,
                },  # fmt: skip
                "contentUserData": user_data or {},
                "metadata": {"title": block.value["title"]},
            }
        },
    }
    return {
        "scriptId": f"h5p-options-{block.id}",
        "statusId": f"h5p-status-{block.id}",
        "activity": block.id,
        "contentId": content_id,
        "title": block.value["title"],
        "core": static("h5p-standalone/frame.bundle.js"),
        "js": reverse("courses:h5p_asset", args=[built["js"]]),
        "css": reverse("courses:h5p_asset", args=[built["css"]]),
        "files": files,
        "integration": integration,
        "iri": iri,
        "xapiUrl": reverse("courses:xapi_statement", args=[lesson.pk, block.id]),
        "stateUrl": reverse(
            "courses:h5p_user_data",
            args=[lesson.pk, block.id, ":dataType", ":subContentId"],
        ),
        "offlineText": _("Your result could not be sent. Check your connection."),
        "queuedText": _(
            "Your result is saved on this phone and will be sent when you are online."
        ),
        "errorText": _("The activity could not be started. Please reload the page."),
    }


def _activity_user_data(user, packages) -> dict:
    """The viewer's saved resume state of these packages, in one query:
    {package pk: {subContentId: {dataType: data}}}."""
    found: dict = {}
    if not packages or not user.is_authenticated:
        return found
    rows = H5PUserData.objects.filter(user=user, package__in=packages).values_list(
        "package_id", "sub_content_id", "data_type", "data"
    )[: MAX_PRELOADED_STATES * len(packages)]
    for package_id, sub_content_id, data_type, data in rows:
        found.setdefault(package_id, {}).setdefault(sub_content_id, {})[data_type] = (
            data
        )
    return found


def _playable_activities(activities) -> dict:
    return {
        block_id: block
        for block_id, block in activities.items()
        if block.value["package"] is not None
        and block.value["package"].is_ready
        and block.value["package"].assets
    }


def offline_urls(activity_options: dict) -> list[str]:
    """Every file a lesson's activities fetch, for the service worker to
    keep the lesson playable offline (templates/courses/lesson_page.html)."""
    urls = []
    for options in activity_options.values():
        urls += [options["core"], options["js"], options["css"]]
        urls += [url for _name, url in options["files"]]
    return list(dict.fromkeys(urls))


def lesson_page_context(*, lesson, user) -> dict:
    # The course, with whether the user is actively enrolled in it: one query.
    courses = CoursePage.objects.filter(
        path=lesson.path[: -lesson.steplen]
    ).select_related("category")
    if user.is_authenticated:
        courses = courses.annotate(
            enrolled=Exists(
                Enrolment.objects.filter(
                    user=user, course=OuterRef("pk"), status=Enrolment.Status.ACTIVE
                )
            )
        )
    course = courses.first()
    status, previous, following = _lesson_neighbours(user, course, lesson)
    # The page only asks whether there is one.
    enrolment = True if getattr(course, "enrolled", False) else None
    reflections = {}
    if user.is_authenticated and lesson.reflection_block_ids:
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
    options = {}
    if can_study:
        playable = _playable_activities(activities)
        user_data = _activity_user_data(
            user, {b.value["package"].pk for b in playable.values()}
        )
        options = {
            block_id: activity_player_options(
                lesson=lesson,
                block=block,
                user=user,
                user_data=user_data.get(block.value["package"].pk),
            )
            for block_id, block in playable.items()
        }
    return {
        "course": course,
        "lesson_status": status,
        "previous_lesson": previous,
        "following_lesson": following,
        "enrolment": enrolment,
        "can_study": can_study,
        "reflections": reflections,
        "activity_results": results,
        "activity_summaries": {k: activity_summary(r) for k, r in results.items()},
        "activity_options": options,
        "offline_urls": offline_urls(options),
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
