import json
import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

# A lone UTF-16 surrogate (an escape such as "\ud800" in JSON decodes to one).
UNSTORABLE = re.compile("[\ud800-\udfff]")


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose another language with the
    language switch (stored in the language cookie). The browser's
    Accept-Language is ignored: many phones here are set to English while their
    owners read Chinese."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class FriendlyMethodNotAllowedMiddleware:
    """A form address opened in the browser (a refresh, Back, a pasted link)
    answers 405 with an empty body, which browsers show as a bare English
    error. Give people a page in their language with a way on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method == "GET"
            and not getattr(response, "content", b"x")
        ):
            friendly = render(request, "405.html", status=405)
            friendly["Allow"] = response["Allow"]
            return friendly
        return response


def _unstorable(text: str) -> bool:
    return "\x00" in text or UNSTORABLE.search(text) is not None


def _unstorable_in(value) -> bool:
    """Whether a decoded JSON value holds a string the database refuses."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class UnstorableTextMiddleware:
    """Refuse, with 400 and a message, any request whose path, query, form or
    JSON body holds a NUL character or a lone UTF-16 surrogate. PostgreSQL
    stores neither in text or JSON, so letting one through ends as a 500 in
    whichever view saves it; one check here covers every view, ours and
    Wagtail's. Form fields of uploads are checked too (no view here changes
    its upload handlers); what is inside uploaded files is left to the
    upload checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_unstorable_text(request):
            return self._refuse(request)
        return self.get_response(request)

    def _has_unstorable_text(self, request) -> bool:
        texts = [request.path]
        for values in (request.GET,):
            texts.extend(key for key in values)
            texts.extend(v for key in values for v in values.getlist(key))
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            texts.extend(request.POST.keys())
            texts.extend(v for key in request.POST for v in request.POST.getlist(key))
        if any(_unstorable(text) for text in texts):
            return True
        if content_type == "application/json" and request.body:
            try:
                data = json.loads(request.body)
            except (ValueError, RecursionError):
                return False  # malformed: the view answers that
            return _unstorable_in(data)
        return False

    def _refuse(self, request):
        message = _(
            "The request contains characters that cannot be stored "
            "(a NUL character or a broken Unicode surrogate)."
        )
        if "json" in (request.content_type or "") or request.path.endswith("/xapi/"):
            return JsonResponse({"error": str(message)}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
