"""Template tags for images as learners see them (cms.images)."""

from django import template

from cms import images

register = template.Library()


@register.simple_tag
def responsive_image(image, layout="content", alt="", **attrs):
    """{% responsive_image image "card" alt="" %}: WebP renditions with srcset,
    sizes for the layout, lazy loading, width and height; nothing without an
    image."""
    if not image:
        return ""
    return images.responsive_image(image, layout=layout, alt=alt or "", **attrs)


@register.simple_tag
def video_poster(video):
    """The poster of a VideoBlock value: its poster image's rendition, or a
    drawn placeholder with the title and length."""
    if video.get("poster"):
        return images.poster_url(video["poster"])
    return images.placeholder_poster(video["title"], video.get("duration") or "")
