from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


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
