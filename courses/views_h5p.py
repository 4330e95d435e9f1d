"""Playing H5P activities: the package files, the xAPI endpoint and the
player's resume state. Every request names the lesson and the activity block,
so access is checked against the lesson: enrolled teachers and editors only."""

import json
import mimetypes
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .h5p import storage
from .models import LessonPage

MAX_STATEMENT_BYTES = 64 * 1024
# Library code runs inside the player's frame; nothing else we serve may run.
EXECUTABLE = {".js", ".css"}
SANDBOX_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
)


def _playable(request, lesson_id: int, block_id: str):
    """The lesson and package behind an activity the user may play, or 404."""
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    block = lesson.activity_blocks.get(block_id)
    package = block.value["package"] if block else None
    if package is None or not package.is_ready:
        raise Http404
    # Learners first: one query, where an editor check costs several.
    if lesson.live and selectors.enrolled_in_course_of(request.user, lesson):
        return lesson, block, package
    if selectors.can_edit_page(request.user, lesson):
        return lesson, block, package
    raise PermissionDenied


@login_required
def h5p_file(request, lesson_id, block_id, kind, path):
    if kind not in ("content", "libraries"):
        raise Http404

    _lesson, _block, package = _playable(request, lesson_id, block_id)
    root = (
        storage.content_root(package) if kind == "content" else storage.libraries_root()
    )
    target = storage.served_file(Path(root), path)
    if target is None:
        raise Http404
    if kind == "libraries" and not _library_used_by(package, path):
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if target.suffix.lower() not in EXECUTABLE or kind == "content":
        response["Content-Security-Policy"] = SANDBOX_CSP
    return response


def _library_used_by(package, path: str) -> bool:
    """Only the libraries this package uses are served through its activity."""
    folder = path.split("/", 1)[0]
    return any(library.folder_name == folder for library in package.libraries.all())


@require_POST
@login_required
def xapi_statement(request, lesson_id, block_id):
    if len(request.body) > MAX_STATEMENT_BYTES:
        return JsonResponse({"error": _("The statement is too large.")}, status=413)
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    try:
        statement = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested too deep
        return JsonResponse(
            {"error": _("The statement is not valid JSON.")}, status=400
        )
    try:
        result = services.statement_record(
            user=request.user, lesson=lesson, block_id=block_id, statement=statement
        )
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
