"""The server's side of the offline outbox (static/js/outbox.js).

Records made offline wait in the phone's IndexedDB and are sent later, maybe
by the service worker, which cannot see who is signed in now. Each record
carries the key of the person who made it (`user_key`, also in the page's
`<meta name="hongxi-user">`) in the X-Hongxi-User header. A record is never
sent as a different person: when the key does not match the session, or when
something stops the request before its view (the CSRF check, a forced password
change, two-factor setup: a redirect, 401 or 403), the answer is "held"
(X-Hongxi-Outbox: held), and the outbox keeps the record for later instead of
taking the answer as final.
"""

from django.http import JsonResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

USER_HEADER = "X-Hongxi-User"
STATE_HEADER = "X-Hongxi-Outbox"
_SALT = "core.outbox.user_key"


def user_key(user) -> str:
    """A stable key for a signed-in person that says nothing about them
    (an HMAC of their id with SECRET_KEY); "" for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac(_SALT, str(user.pk), algorithm="sha256").hexdigest()[:32]


def _held(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message, "held": True}, status=status)
    response[STATE_HEADER] = "held"
    return response


class OutboxMiddleware:
    """Holds outbox requests that are not the signed-in person's, or that
    something stopped before their view. Goes right after
    AuthenticationMiddleware; OutboxViewReachedMiddleware goes last."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent_key = request.headers.get(USER_HEADER)
        if sent_key is None:
            return self.get_response(request)
        own_key = user_key(request.user)
        if not own_key or not constant_time_compare(sent_key, own_key):
            return _held(
                _("Sign in as the person who made this record to send it."), 401
            )
        response = self.get_response(request)
        stopped = 300 <= response.status_code < 400 or response.status_code in {
            401,
            403,
        }
        if stopped and not getattr(request, "outbox_view_reached", False):
            return _held(
                _("This record could not be sent yet; it stays on this phone."), 403
            )
        return response


class OutboxViewReachedMiddleware:
    """The last middleware: its process_view runs only when every other
    middleware let the request through to its view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.outbox_view_reached = True
        return None


def outbox(request):
    """Context processor: the signed-in person's key for base.html ("" for
    nobody), which names them to the outbox and the service worker alike."""
    return {"hongxi_user_key": user_key(getattr(request, "user", None))}
