from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.snippets import SnippetViewSet

from . import selectors, views
from .models import AuditEntry, CertificateTemplate
from .permissions import can_preview_templates


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The audit log is written by the services only: in the admin it can be
    read (with the view permission), never added to, edited or deleted, not
    even by a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action == "view"]
        )


# Registered before any view asks for the model's policy (Wagtail requires it).
register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    list_display = ["name", "title", "orientation", "issuer_name"]
    search_fields = ["name", "title"]


class AuditEntryViewSet(SnippetViewSet):
    model = AuditEntry
    icon = "history"
    list_display = ["at", "action", "actor", "certificate"]
    list_filter = ["action"]
    inspect_view_enabled = True
    inspect_view_fields = ["at", "action", "actor", "certificate", "details"]

    def get_queryset(self, request):
        return selectors.audit_log()


class CertificatesViewSetGroup(SnippetViewSetGroup):
    items = (CertificateTemplateViewSet, AuditEntryViewSet)
    menu_icon = "doc-full"
    menu_label = _("Certificates")
    menu_name = "certificates"


register_snippet(CertificatesViewSetGroup)


@hooks.register("register_admin_urls")
def register_template_preview_url():
    return [
        path(
            "certificate-templates/<id:pk>/preview.pdf",
            views.template_preview_pdf,
            name="certificates_template_preview",
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def template_preview_button(snippet, user, next_url=None):
    if isinstance(snippet, CertificateTemplate) and can_preview_templates(user):
        yield ListingButton(
            _("Preview PDF"),
            reverse("certificates_template_preview", args=[snippet.pk]),
            icon_name="doc-full",
            priority=15,
            attrs={"target": "_blank", "rel": "noopener"},
        )
