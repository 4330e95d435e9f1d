"""Wagtail's front-end URLs with its page view replaced by cms.serving's."""

from django.urls import re_path
from wagtail import urls as wagtail_urls

from . import serving

_serve = wagtail_urls.urlpatterns[-1]
assert _serve.name == "wagtail_serve"
urlpatterns = [
    *wagtail_urls.urlpatterns[:-1],
    re_path(_serve.pattern.regex.pattern, serving.serve, name="wagtail_serve"),
]
