"""Sending a private file, or bytes made for the request, to someone a view
has already allowed to have them: the one place downloads get their headers
(disposition, content type, Cache-Control, nosniff, and for uploaded content
the sandboxing Content-Security-Policy and CORS).

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
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from .storage import private_name, private_root, private_storage

# For files from whoever uploaded them (H5P content, media): a document shown
# from them is sandboxed to an opaque origin and may run nothing.
SANDBOX_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
)


def content_response(
    content: bytes,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = True,
    cache_control: str = "private, no-store",
) -> HttpResponse:
    """A download of bytes made for this request (a PDF, an export), named
    `filename`, inline or as an attachment."""
    response = HttpResponse(content, content_type=content_type)
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return _private_headers(response, cache_control)


def _private_headers(
    response, cache_control: str, *, sandbox: bool = False, any_origin: bool = False
):
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = SANDBOX_CSP
    if any_origin:
        # Readable from a sandboxed frame's opaque origin (fetch, fonts).
        response["Access-Control-Allow-Origin"] = "*"
    return response


def private_file_response(
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = True,
    cache_control: str = "private, no-store",
    sandbox: bool = False,
    any_origin: bool = False,
    storage=None,
) -> HttpResponse:
    """The response that sends the stored file `name` of the private storage
    (or `storage`), or Http404 when it is missing. `filename` is what the
    browser saves it as; it never comes from the stored name. `sandbox` adds
    SANDBOX_CSP, `any_origin` lets any origin read it (CORS)."""
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
    return _private_headers(
        response, cache_control, sandbox=sandbox, any_origin=any_origin
    )


# Precompressed variants written beside a file, best first.
PRECOMPRESSED = ((".br", "br"), (".gz", "gzip"))
IMMUTABLE = "public, max-age=31536000, immutable"


def precompressed_file_response(
    request, path: Path, *, content_type: str, cache_control: str = IMMUTABLE, **kwargs
) -> HttpResponse:
    """private_file_response for a file of the private storage given by its
    path, sending the brotli or gzip variant written beside it (path.br,
    path.gz) to a client that accepts it. Behind nginx the file itself is
    named, and nginx picks the variant (gzip_static, brotli_static in
    deploy/nginx), since it passes no Content-Encoding of the view on."""
    if getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", ""):
        response = private_file_response(
            private_name(path),
            content_type=content_type,
            as_attachment=False,
            cache_control=cache_control,
            **kwargs,
        )
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
    accepted = {
        part.split(";")[0].strip().lower()
        for part in request.headers.get("Accept-Encoding", "").split(",")
    }
    chosen, encoding = path, None
    for suffix, name in PRECOMPRESSED:
        variant = path.with_name(path.name + suffix)
        if name in accepted and variant.is_file():
            chosen, encoding = variant, name
            break
    response = private_file_response(
        private_name(chosen),
        content_type=content_type,
        as_attachment=False,
        cache_control=cache_control,
        **kwargs,
    )
    if encoding:
        response["Content-Encoding"] = encoding
    patch_vary_headers(response, ["Accept-Encoding"])
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
