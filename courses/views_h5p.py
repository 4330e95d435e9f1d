"""Playing H5P activities: the embed page and package files the sandboxed
player loads, the xAPI endpoint and the player's resume state.

H5P library code comes from whoever uploaded the package, so it never runs on
the site's own origin with the viewer's session: the lesson page frames each
activity's embed page in `<iframe sandbox="allow-scripts">` (and the embed page
sandboxes itself by its Content-Security-Policy), an opaque origin without
cookies. The embed page and the files are reached with the signed capability
of courses.h5p.embed, which the lesson page mints after its own check; the
player's statements and resume state come back to the lesson page by
postMessage, and the lesson page posts them here with the viewer's session.
xAPI and state requests name the lesson and the activity block, so access is
checked against the lesson: enrolled teachers and editors only."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.serving import private_file_response
from core.storage import private_name

from . import permissions, selectors, services
from .h5p import embed, storage
from .h5p.metadata import loads_json
from .models import H5PUserData, LessonPage

MAX_STATEMENT_BYTES = 64 * 1024
# Library code runs inside the player's frame; nothing else we serve may run.
EXECUTABLE = {".js", ".css"}
# Saved resume states handed to the embed page, at most (H5P keeps one per
# data type and sub-content; a package has a handful).
MAX_PRELOADED_STATES = 50


def _playable(request, lesson_id: int, block_id: str):
    """The lesson and package behind an activity the user may play, or 404."""
    return _playable_by(request.user, lesson_id, block_id)


def _playable_by(user, lesson_id: int, block_id: str):
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    block = lesson.activity_blocks.get(block_id)
    package = block.value["package"] if block else None
    if package is None or not package.is_ready:
        raise Http404
    # Learners first: one query, where an editor check costs several.
    if lesson.live and selectors.enrolled_in_course_of(user, lesson):
        return lesson, block, package
    if permissions.can_edit_page(user, lesson):
        return lesson, block, package
    raise PermissionDenied


def _granted(token: str):
    """The user, lesson, block and package an embed token lets play, checked
    again now: 404 for a bad or expired token or a package no longer in the
    block, 403 for a viewer who may no longer play it."""
    grant = embed.embed_grant(token)
    if grant is None:
        raise Http404
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    if user is None:
        raise PermissionDenied
    lesson, block, package = _playable_by(user, grant.lesson_id, grant.block_id)
    if package.pk != grant.package_id:
        raise Http404
    return user, lesson, block, package


@require_GET
@xframe_options_exempt  # framed by the lesson; CSP frame-ancestors says by whom
def h5p_embed(request, token):
    """The page one activity plays in, inside the lesson's sandboxed frame,
    with the token's user's saved resume state preloaded."""
    user, lesson, block, package = _granted(token)
    saved = H5PUserData.objects.filter(user=user, package=package).values_list(
        "sub_content_id", "data_type", "data"
    )[:MAX_PRELOADED_STATES]
    content_user_data = {}
    for sub_content_id, data_type, data in saved:
        content_user_data.setdefault(sub_content_id, {})[data_type] = data
    options = {
        "activity": block.id,
        "parentOrigin": _site_origin(request),
        "errorText": _("The activity could not be started. Please reload the page."),
        "player": {
            "id": f"activity-{block.id}",
            # The embed page is the sandbox: no frame of the player's own, which
            # in an opaque origin would get another origin it cannot reach.
            "embedType": "div",
            "h5pJsonPath": embed.files_url(token, "content"),
            "librariesPath": embed.files_url(token, "libraries"),
            "frameJs": static("h5p-standalone/frame.bundle.js"),
            "frameCss": static("h5p-standalone/styles/h5p.css"),
            "xAPIObjectIRI": selectors.activity_iri(lesson, block.id),
            "saveFreq": 30,
            # No `user` and no `ajax`: H5P then keeps state changes in
            # H5PIntegration for static/js/h5p-embed.js to hand to the lesson.
            "contentUserData": content_user_data or None,
        },
    }
    response = render(
        request,
        "courses/h5p_embed.html",
        {"options": options, "title": block.value["title"]},
    )
    response["Cache-Control"] = "private, no-store"
    # The token is in this page's URL: links in the content must not carry it.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _site_origin(request) -> str:
    """The lesson page's origin, the only one the embed page talks to."""
    if settings.H5P_CONTENT_ORIGIN:
        return selectors.site_origin()
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def h5p_file(request, token, kind, path):
    """A file of the token's package: its content, or one of the libraries
    it uses. Readable from the sandbox's opaque origin (CORS for JSON and
    fonts); nothing but library code may run."""
    if kind not in ("content", "libraries"):
        raise Http404
    _user, _lesson, _block, package = _granted(token)
    root = (
        storage.content_root(package) if kind == "content" else storage.libraries_root()
    )
    target = storage.served_file(Path(root), path)
    if target is None:
        raise Http404
    if kind == "libraries" and not _library_used_by(package, path):
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    # The one place H5P file bytes leave: nginx sends them in production,
    # Django streams them in the demo. Readable from the sandbox's opaque
    # origin; nothing but library code may run.
    return private_file_response(
        private_name(target),
        content_type=content_type,
        as_attachment=False,
        cache_control="private, max-age=3600",
        sandbox=target.suffix.lower() not in EXECUTABLE or kind == "content",
        any_origin=True,
    )


def _library_used_by(package, path: str) -> bool:
    """Only the libraries this package uses are served through its activity."""
    folder = path.split("/", 1)[0]
    return any(library.folder_name == folder for library in package.libraries.all())


@require_POST
@login_required
def xapi_statement(request, lesson_id, block_id):
    # The lesson page sends JSON. A form body is refused before it is read:
    # a multipart one has been parsed from the stream already (the
    # unstorable-text middleware), and its raw body is gone.
    if request.content_type != "application/json":
        return JsonResponse(
            {"error": _("The statement must be sent as JSON.")}, status=415
        )
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse({"error": _("The statement is too large.")}, status=413)
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    try:
        statement = loads_json(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested too deep
        return JsonResponse(
            {"error": _("The statement is not valid JSON.")}, status=400
        )
    try:
        result = services.statement_record(
            user=request.user, lesson=lesson, block_id=block_id, statement=statement
        )
    except services.StatementConflict as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if result is None:
        return JsonResponse({"recorded": True})
    best = result.best_scaled
    return JsonResponse(
        {
            "recorded": True,
            "attempts": result.attempts,
            "best": float(best) if best is not None else None,
            "passed": result.passed,
            "summary": selectors.activity_summary(result),
        }
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_data(request, lesson_id, block_id, data_type, sub_content_id):
    """H5P's contentUserData protocol: GET answers {success, data}; POST saves
    the `data` field, "0" resets it."""
    _lesson, _block, package = _playable(request, lesson_id, block_id)
    lookup = {
        "user": request.user,
        "package": package,
        "data_type": data_type,
        "sub_content_id": sub_content_id,
    }
    if request.method == "GET":
        data = services.user_data_get(**lookup)
        return JsonResponse(
            {"success": True, "data": data if data is not None else False}
        )
    try:
        services.user_data_set(**lookup, data=request.POST.get("data", ""))
    except ValidationError as error:
        return JsonResponse(
            {"success": False, "message": " ".join(error.messages)}, status=400
        )
    return JsonResponse({"success": True})
