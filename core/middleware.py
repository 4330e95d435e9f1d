"""Middleware every app shares."""

from django.middleware.gzip import GZipMiddleware

# Media types worth compressing: text the views write. Everything else (PDFs,
# images, videos, zip-based XLSX and DOCX) is already compressed or gains
# nothing.
TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    }
)


def is_compressible(response) -> bool:
    """Whether TextGZipMiddleware may compress the response: a text type made
    in memory by a view. Streams are left alone (files sent by FileResponse,
    whatever their type, and anything long that must reach the browser as it
    is written: zlib would hold the bytes back), and so is an X-Accel-Redirect
    answer, whose body the proxy supplies (deploy/nginx)."""
    if response.streaming or response.has_header("X-Accel-Redirect"):
        return False
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text responses only (is_compressible).

    Compressed pages and secrets together invite BREACH (guessing a secret
    from the compressed length of pages that also reflect the attacker's
    input). Django (4.2 and later) mitigates it as "Heal the Breach" does:
    each compressed response carries a random number of extra bytes in the
    gzip header's file name field, so lengths no longer tell. The CSRF token
    in forms is masked anew on every request, and session cookies travel in
    headers, which gzip does not touch.

    Placed right after WhiteNoiseMiddleware: static files never reach it
    (WhiteNoise sends its own precompressed .br and .gz copies), and every
    middleware below it that reads or changes the body does so before the
    body is compressed."""

    def process_response(self, request, response):
        if not is_compressible(response):
            return response
        return super().process_response(request, response)


def sessionless(view):
    """Mark a view that answers everyone alike and reads nothing of the
    visitor (content-hashed files): SessionlessViewMiddleware calls it before
    sessions and sign-in, so that it costs no query."""
    view.sessionless = True
    return view


class SessionlessViewMiddleware:
    """Calls @sessionless views under settings.SESSIONLESS_PATH_PREFIXES
    straight away, before the session, the signed-in user and the rest of the
    middleware below it are looked at. Goes right after WhiteNoise, which does
    the same for static files; what is above it (security headers, the
    content security policy) applies as to every response."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.prefixes = tuple(settings.SESSIONLESS_PATH_PREFIXES)

    def __call__(self, request):
        if self.prefixes and request.path_info.startswith(self.prefixes):
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "sessionless", False):
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
