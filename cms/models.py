import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import StreamField
from wagtail.models import Page

from core.offline import KeepableOfflinePage
from core.storage import private_storage

from .blocks import BaseStreamBlock
from .serving import ServedPage


def document_upload_to(instance, filename: str) -> str:
    # A random folder makes the stored name unguessable; the file keeps its
    # own name, which Wagtail uses in the download link and as the saved name.
    return f"documents/{secrets.token_hex(16)}/{filename}"


class PrivateDocument(AbstractDocument):
    """Wagtail's document (lesson handouts, videos, captions), kept in the
    private storage: only Wagtail's serve view hands it out, after
    courses.wagtail_hooks.check_document_access allowed the request."""

    file = models.FileField(
        upload_to=document_upload_to,
        storage=private_storage,
        max_length=255,
        verbose_name=_("file"),
    )

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class HomePage(KeepableOfflinePage, ServedPage, Page):
    """The site's front page: the programme in brief and the way in."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage", "courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class ContentPage(ServedPage, Page):
    """A plain page of text and images: programme news, guides, resources."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")
