"""What the service worker (templates/core/sw.js) may keep on a phone, and for
whom. The one place that decides it:

- `X-Hongxi-Offline: keep` marks a response the worker may store in the
  signed-in person's own cache: set by `mark_keepable` (or `keep_offline` on
  a function view, `KeepableOfflinePage` on a Wagtail page) only on the
  learner's own pages, only for a GET answered 200 to someone signed in. Any
  response without it (sign-in, the office, the admin, reports, other people's
  pages, errors, redirects, POSTs) is never stored.
- `X-Hongxi-User` on every HTML page names whose page it is by an opaque key
  (`user_key`, the same one as base.html's `<meta name="hongxi-user">`),
  empty when nobody is signed in: the worker then deletes every other
  person's cache, or all of them.
- Signing out answers `Clear-Site-Data: "cache"` (the HTTP cache; the pages'
  own JavaScript and the worker empty the Cache Storage, and IndexedDB, where
  unsent learning records wait, is left alone).
"""

from functools import wraps

from django.contrib.auth.signals import user_logged_out
from django.utils.cache import patch_vary_headers

# One key names the person for the offline caches and the outbox alike.
from .outbox import USER_HEADER, user_key

KEEP_HEADER = "X-Hongxi-Offline"
KEEP_VALUE = "keep"
# A request the "keep this course offline" button makes: the page is stored,
# but it is not a visit (courses.models.LessonPage.serve records none).
PURPOSE_HEADER = "HTTP_X_HONGXI_PURPOSE"
PURPOSE_KEEP = "keep"
_SIGNED_OUT = "_hongxi_signed_out"


def is_keep_request(request) -> bool:
    """Whether the request comes from "keep this course offline"."""
    return request.META.get(PURPOSE_HEADER, "") == PURPOSE_KEEP


def mark_keepable(request, response):
    """Let the service worker keep this response in the signed-in person's own
    cache: only their own GET page, answered 200 in full."""
    user = getattr(request, "user", None)
    if (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and user is not None
        and user.is_authenticated
    ):
        response[KEEP_HEADER] = KEEP_VALUE
        patch_vary_headers(response, ["Cookie"])
    return response


def keep_offline(view):
    """A function view whose pages are the signed-in person's own."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_keepable(request, view(request, *args, **kwargs))

    return wrapped


class KeepableOfflinePage:
    """Mixin for Wagtail page models whose pages a learner may keep offline."""

    def serve(self, request, *args, **kwargs):
        return mark_keepable(request, super().serve(request, *args, **kwargs))


def never_personal(response):
    """A page the worker keeps for everyone on the phone (the offline page):
    it names nobody, so the middleware adds no user key."""
    response.hongxi_shared = True
    return response


def note_sign_out(sender, request=None, **kwargs):
    if request is not None:
        setattr(request, _SIGNED_OUT, True)


user_logged_out.connect(note_sign_out, dispatch_uid="core.offline.note_sign_out")


class OfflineHeadersMiddleware:
    """Names the person on every HTML page (X-Hongxi-User) and clears the
    browser's HTTP cache on sign-out. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _SIGNED_OUT, False):
            response["Clear-Site-Data"] = '"cache"'
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(
            response, "hongxi_shared", False
        ):
            response[USER_HEADER] = user_key(getattr(request, "user", None))
        return response
