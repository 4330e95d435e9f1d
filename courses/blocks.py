"""StreamField blocks for lessons: the shared content blocks plus video,
documents, H5P activities and reflection prompts."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.blocks import BaseStreamBlock
from cms.images import ImageChooserBlock


class VideoBlock(blocks.StructBlock):
    """A video file uploaded to the site (no third-party players on slow links),
    with a poster shown before it loads and optional captions (WebVTT). The
    page loads nothing of the video until it is played (preload="none")."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    video = DocumentChooserBlock(
        label=_("Video file"), help_text=_("An MP4 or WebM file.")
    )
    poster = ImageChooserBlock(
        label=_("Poster image"),
        required=False,
        help_text=_(
            "Shown before the video plays; without one, a light card with the title."
        ),
    )
    duration = blocks.RegexBlock(
        label=_("Length"),
        regex=r"^(\d{1,2}:)?[0-5]?\d:[0-5]\d$",
        required=False,
        max_length=8,
        help_text=_("How long the video runs, as minutes:seconds, e.g. 12:30."),
        error_messages={
            "invalid": _("Write the length as minutes:seconds, e.g. 12:30.")
        },
    )
    captions = DocumentChooserBlock(label=_("Captions (WebVTT)"), required=False)
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(
        label=_("Description"), required=False, max_length=200
    )

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "courses/blocks/document_block.html"
        preview_value = {"description": "教学设计模板（Word）"}


class H5PActivityBlock(blocks.StructBlock):
    """An interactive H5P exercise played in the lesson. The lesson completes
    when the teacher passes it: the player reports success, or the score
    reaches the pass mark."""

    title = blocks.CharBlock(label=_("Activity title"), max_length=120)
    package = SnippetChooserBlock("courses.H5PPackage", label=_("H5P package"))
    pass_mark = blocks.DecimalBlock(
        label=_("Pass mark (%)"),
        min_value=0,
        max_value=100,
        decimal_places=0,
        default=60,
        help_text=_("The share of the maximum score that counts as a pass."),
    )
    instructions = blocks.TextBlock(label=_("Instructions"), required=False)

    class Meta:
        icon = "pick"
        label = _("H5P activity")
        template = "courses/blocks/h5p_block.html"


class ReflectionPromptBlock(blocks.StructBlock):
    """A question the teacher answers in writing; a trainer accepts the answer
    or returns it with comments. The lesson completes when every answer in it
    is accepted."""

    prompt = blocks.RichTextBlock(
        label=_("Prompt"), features=["bold", "italic", "ol", "ul"]
    )
    min_chars = blocks.IntegerBlock(
        label=_("Minimum length (characters)"), default=100, min_value=0
    )

    class Meta:
        icon = "edit"
        label = _("Reflection prompt")
        template = "courses/blocks/reflection_block.html"
        preview_value = {
            "prompt": "<p>写一写你班上的一个留守儿童，你准备如何帮助他？</p>",
            "min_chars": 100,
        }


class LessonStreamBlock(BaseStreamBlock):
    video = VideoBlock()
    document = DocumentBlock()
    h5p = H5PActivityBlock()
    reflection = ReflectionPromptBlock()
