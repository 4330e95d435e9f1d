"""Images as learners get them: WebP renditions at the widths phones and
screens need (WIDTHS, never wider than the original: Wagtail does not
upscale), with `srcset` and `sizes` so a phone takes the small one, loaded
lazily, with their width and height in the markup so nothing moves when they
arrive; video posters likewise, or a drawn placeholder that costs no request.

The `sizes` values follow static/css/site.css: the page is `.wrap` (at most
1100 px, 16 px padding each side) and content sits in a `.card` (18 px padding
and a 1 px border each side), so the content column is at most 1030 px wide and
100vw - 70px on narrower screens; `.grid` puts cards of at least 240 px side by
side with 16 px gaps."""

from urllib.parse import quote

from django.db.models import prefetch_related_objects
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.images.blocks import ImageChooserBlock as WagtailImageChooserBlock
from wagtail.images.models import ResponsiveImage
from wagtail.images.shortcuts import (
    get_rendition_or_not_found,
    get_renditions_or_not_found,
)

WIDTHS = (360, 640, 960, 1280)
CONTENT_COLUMN = 1030
GUTTER = 70  # .wrap and .card padding and borders, both sides
# Course covers, on the catalog's cards and the course page: 12:5 (the former
# 480x200 and 640x260 crops), one set of renditions for both.
COVER_RATIO = (12, 5)
LAYOUT_SIZES = {
    # A catalog card: one column below 528 px, then two, three and four.
    "card": (
        f"(max-width: 527px) calc(100vw - {GUTTER}px), "
        "(max-width: 783px) calc(50vw - 62px), "
        "(max-width: 1039px) calc(33vw - 59px), 260px"
    ),
    # The course page's first card, one of two side by side from 528 px.
    "course": (
        f"(max-width: 527px) calc(100vw - {GUTTER}px), "
        "(max-width: 1099px) calc(50vw - 62px), 488px"
    ),
}
POSTER_SPEC = "max-960x540|format-webp"


def rendition_widths(max_width: float) -> list[int]:
    """The WIDTHS worth making for an image that can be at most `max_width`
    wide: each narrower one and the first that reaches it (which Wagtail makes
    at the image's own width)."""
    widths = []
    for width in WIDTHS:
        widths.append(width)
        if width >= max_width:
            break
    return widths


def image_specs(image, *, crop: tuple[int, int] | None = None) -> list[str]:
    """Wagtail filter specs for `image`: WebP at rendition_widths, cropped to
    the aspect ratio `crop` (width, height) if given."""
    if crop is None:
        return [f"width-{w}|format-webp" for w in rendition_widths(image.width)]
    across, down = crop
    widest = min(image.width, image.height * across / down)
    return [
        f"fill-{w}x{round(w * down / across)}|format-webp"
        for w in rendition_widths(widest)
    ]


COVER_SPECS = [f"fill-{w}x{round(w * 5 / 12)}|format-webp" for w in WIDTHS]


def content_sizes(width: int) -> str:
    """`sizes` of an image `width` px wide in the content column: the column's
    width, or its own where it is narrower."""
    shown = min(width, CONTENT_COLUMN)
    return f"(max-width: {shown + GUTTER}px) calc(100vw - {GUTTER}px), {shown}px"


def responsive_image(image, *, layout: str = "content", alt: str = "", **attrs):
    """An <img> of `image` for `layout` ("content": in the content column;
    "card", "course": a course cover), with srcset, sizes, lazy loading and
    the largest rendition's width and height (the stylesheet's
    `max-width:100%; height:auto` scales it down to fit)."""
    crop = None if layout == "content" else COVER_RATIO
    renditions = get_renditions_or_not_found(image, image_specs(image, crop=crop))
    largest = list(renditions.values())[-1]
    attrs = {"alt": alt, "loading": "lazy", "decoding": "async", **attrs}
    if largest.width:  # not the stand-in for a missing file
        attrs.update(width=largest.width, height=largest.height)
    if len(renditions) > 1:
        attrs["sizes"] = (
            content_sizes(largest.width)
            if layout == "content"
            else LAYOUT_SIZES[layout]
        )
    return ResponsiveImage(renditions, attrs)


def poster_url(image) -> str:
    """The URL of `image` as a video poster: one WebP rendition that fills the
    content column of a phone at twice its pixel density."""
    return get_rendition_or_not_found(image, POSTER_SPEC).url


def placeholder_poster(title: str, duration: str = "") -> str:
    """A light poster drawn in SVG as a data: URI (no request), showing a play
    mark, the video's title and its length if known, all in the upper part
    (the player's controls cover the lower third on a phone). The browser
    hides it when the video plays, as it hides any poster, which a CSS overlay
    could not do without script."""
    shown = title if len(title) <= 18 else title[:17] + "…"
    length = ""
    if duration:
        length = (
            '<text x="320" y="196" font-size="24" fill="#5b6775">'
            f"{escape(_('Length %(duration)s') % {'duration': duration})}</text>"
        )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" '
        'viewBox="0 0 640 360" text-anchor="middle" '
        "font-family=\"'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',"
        "'WenQuanYi Micro Hei',system-ui,sans-serif\">"
        '<rect width="640" height="360" fill="#eef3f1"/>'
        '<circle cx="320" cy="82" r="38" fill="#0b6e4f"/>'
        '<path d="M308 62v40l34-20z" fill="#fff"/>'
        f'<text x="320" y="156" font-size="30" fill="#1d2733">{escape(shown)}</text>'
        f"{length}</svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="=:/,()")


class ImageChooserBlock(WagtailImageChooserBlock):
    """Wagtail's image chooser, whose images arrive with their renditions:
    StreamField converts all the images of one block field in a page at once
    (bulk_to_python), so a lesson with many images asks for their renditions in
    one query, not one per image."""

    def bulk_to_python(self, values):
        images = super().bulk_to_python(values)
        prefetch_related_objects([i for i in images if i is not None], "renditions")
        return images


def prefetch_cover_renditions(courses) -> None:
    """Load the cover renditions of `courses` (with cover_image selected) in
    one query, for lists of courses."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    covers = [c.cover_image for c in courses if c.cover_image_id]
    renditions = get_image_model().get_rendition_model().objects
    prefetch_related_objects(
        covers,
        Prefetch("renditions", queryset=renditions.filter(filter_spec__in=COVER_SPECS)),
    )
