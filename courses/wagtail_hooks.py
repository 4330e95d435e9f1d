from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.snippets import SnippetViewSet

from . import admin_views, permissions, selectors
from .h5p.admin import H5PPackageViewSet
from .models import CourseCategory, Programme, Track


class CourseCategoryViewSet(SnippetViewSet):
    model = CourseCategory
    icon = "tag"
    list_display = ["name", "name_en", "code", "sort_order"]


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "calendar"
    list_display = ["name", "starts_on", "ends_on"]


class TrackViewSet(SnippetViewSet):
    model = Track
    icon = "list-ul"
    list_display = ["name", "programme", "audience", "opens_on", "closes_on"]
    list_filter = ["programme", "audience"]


class ProgrammesViewSetGroup(SnippetViewSetGroup):
    items = (ProgrammeViewSet, TrackViewSet, CourseCategoryViewSet)
    menu_icon = "list-ul"
    menu_label = _("Programmes and tracks")
    menu_name = "programmes"


register_snippet(ProgrammesViewSetGroup)
register_snippet(H5PPackageViewSet)


@hooks.register("register_admin_urls")
def register_reflection_urls():
    return [
        path(
            "reflections/",
            admin_views.reflection_queue,
            name="courses_reflection_queue",
        ),
        path(
            "reflections/<id:pk>/",
            admin_views.reflection_review,
            name="courses_reflection_review",
        ),
    ]


class ReflectionMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_review_reflections(request.user)


@hooks.register("register_admin_menu_item")
def register_reflection_menu_item():
    return ReflectionMenuItem(
        _("Reflections to review"),
        reverse("courses_reflection_queue"),
        icon_name="edit",
        order=250,
    )


@hooks.register("before_serve_document")
def check_document_access(document, request):
    """Documents sit in the private storage; Wagtail's serve view hands one
    out only when courses.selectors.can_read_document allows it. Strangers get
    the same 404 as for a document that does not exist."""
    if selectors.can_read_document(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
