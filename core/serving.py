"""Sending a private file to someone a view has already allowed to have it.

In production the reverse proxy sends the bytes: the response carries
`X-Accel-Redirect: <PRIVATE_FILES_ACCEL_PREFIX><name>`, an internal location
of nginx that maps onto PRIVATE_MEDIA_ROOT (deploy/nginx), so no Python worker
is held by a download and Range requests work. Without a prefix (the demo,
tests) Django streams the file itself.
"""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from .storage import private_root, private_storage


def private_file_response(
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = True,
    cache_control: str = "private, no-store",
    storage=None,
) -> HttpResponse:
    """The response that sends the stored file `name` of the private storage
    (or `storage`), or Http404 when it is missing. `filename` is what the
    browser saves it as; it never comes from the stored name."""
    storage = storage or private_storage()
    if not name or not storage.exists(name):
        raise Http404
    prefix = getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(name)
        disposition = content_disposition_header(as_attachment, filename)
        if disposition:
            response["Content-Disposition"] = disposition
    else:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=as_attachment,
            filename=filename or "",
            content_type=content_type,
        )
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def field_file_response(file, **kwargs) -> HttpResponse:
    """private_file_response for a model's FieldFile (its own storage)."""
    if not file:
        raise Http404
    return private_file_response(file.name, storage=file.storage, **kwargs)


def sendfile(request, filename, mimetype="application/octet-stream", **kwargs):
    """The hand-off for Wagtail's document view (settings.SENDFILE_BACKEND in
    production): the same X-Accel-Redirect as private_file_response, for a
    file given by its path under PRIVATE_MEDIA_ROOT."""
    root = private_root().resolve()
    path = Path(filename).resolve()
    if not path.is_relative_to(root):
        raise Http404
    response = HttpResponse(content_type=mimetype)
    response["X-Accel-Redirect"] = settings.PRIVATE_FILES_ACCEL_PREFIX + quote(
        path.relative_to(root).as_posix()
    )
    return response
