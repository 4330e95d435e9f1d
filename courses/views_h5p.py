"""Playing H5P activities: the files the lesson page fetches for its
sandboxed player, the xAPI endpoint and the player's resume state.

H5P library code comes from whoever uploaded the package, so it never runs on
the site's own origin with the viewer's session: the lesson page plays each
activity in `<iframe sandbox="allow-scripts" srcdoc>`, an opaque origin
without cookies or storage, and hands it the player's code and the content's
files, which it fetched itself (static/js/h5p-lesson.js): an opaque-origin
frame can use neither the HTTP cache nor the service worker, so this is what
lets a phone play a lesson it saw once, warm and offline. The aggregated
library JS and CSS (courses.h5p.assets) are public and immutable; content
files are reached with the signed capability of courses.h5p.embed, which the
lesson page mints after its own check. The player's statements and resume
state come back to the lesson page by postMessage, and the lesson page posts
them here with the viewer's session. xAPI and state requests name the lesson
and the activity block, so access is checked against the lesson: enrolled
teachers and editors only."""

import mimetypes
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.middleware import sessionless
from core.serving import precompressed_file_response, private_file_response
from core.storage import private_name

from . import permissions, selectors, services
from .h5p import assets, embed, storage
from .h5p.metadata import loads_json
from .models import LessonPage

MAX_STATEMENT_BYTES = 64 * 1024
# Library code runs inside the player's frame; nothing else we serve may run.
EXECUTABLE = {".js", ".css"}


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
def h5p_file(request, token, kind, path):
    """A content file of the token's package that the sandboxed player loads
    itself: one too big to hand over (a video), reached from the frame's
    opaque origin, without the viewer's cookies."""
    if kind != "content":
        raise Http404
    _user, _lesson, _block, package = _granted(token)
    return _content_file_response(Path(storage.content_root(package)), path)


@require_GET
@login_required
def h5p_content(request, lesson_id, block_id, path):
    """A content file of an activity the viewer may play, fetched by the
    lesson page (with the viewer's session) to hand to its sandboxed player.
    Its URL stays the same from visit to visit, so the phone's cache and the
    service worker keep it; it is the viewer's own (private)."""
    _lesson, _block, package = _playable(request, lesson_id, block_id)
    return _content_file_response(Path(storage.content_root(package)) / "content", path)


def _content_file_response(root: Path, path: str):
    target = storage.served_file(root, path)
    if target is None:
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    # The one place H5P content bytes leave: nginx sends them in production,
    # Django streams them in the demo. Nothing in them may run.
    return private_file_response(
        private_name(target),
        content_type=content_type,
        as_attachment=False,
        cache_control="private, max-age=86400",
        sandbox=True,
        any_origin=True,
    )


@sessionless
@require_GET
def h5p_asset(request, name):
    """A package's aggregated library JS or CSS (courses.h5p.assets): the
    same for everyone who may see the lesson, named by its content hash, so
    public and cached for a year; brotli or gzip as the client accepts. No
    query: the name is the key. Library code is uploaded code: it runs only
    in the sandboxed player frame, never as a document of this site."""
    path = assets.asset_file(name)
    if path is None:
        raise Http404
    content_type = "text/css" if name.endswith(".css") else "text/javascript"
    return precompressed_file_response(
        request, path, content_type=f"{content_type}; charset=utf-8", any_origin=True
    )


@sessionless
@require_GET
def h5p_library_file(request, versioned, path):
    """A file of an installed library by its versioned folder
    (machineName-major.minor.patch-hash): what H5P.getLibraryPath points at,
    for content types that load an image of their library by path. Only the
    current version answers; immutable. A document shown from it is
    sandboxed and may run nothing."""
    root = assets.versioned_library_dir(versioned)
    target = storage.served_file(root, path) if root is not None else None
    if target is None:
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return precompressed_file_response(
        request,
        target,
        content_type=content_type,
        sandbox=target.suffix.lower() not in EXECUTABLE,
        any_origin=True,
    )


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
