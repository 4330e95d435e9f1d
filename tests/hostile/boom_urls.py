"""The site's URLs plus one view that fails, for the test of the 500 page."""

from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
