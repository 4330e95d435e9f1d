"""Images embedded in rich text (Wagtail finds this module in every app) as
learners get them, like the image block: WebP renditions with srcset, sizes,
lazy loading, width and height (cms.images). No paragraph of ours offers
images today (the features in cms.blocks and courses.blocks); this keeps one
turned on later from sending a full-size JPEG to a phone."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.formats import (
    Format,
    register_image_format,
    unregister_image_format,
)

from .images import responsive_image


class ResponsiveFormat(Format):
    """Wagtail's image format, drawn by cms.images.responsive_image (its
    filter_spec names the largest width only: the others come with it)."""

    def image_to_html(self, image, alt_text, extra_attributes=None):
        attrs = dict(extra_attributes or {})
        if self.classname:
            attrs["class"] = self.classname
        return str(responsive_image(image, alt=alt_text, **attrs))


# Wagtail's own three formats, same names (stored in the content), each now
# as wide as the column allows: floats beside text do not fit a phone.
for name, label in (
    ("fullwidth", _("Full width")),
    ("left", _("Left-aligned")),
    ("right", _("Right-aligned")),
):
    unregister_image_format(name)
    register_image_format(
        ResponsiveFormat(name, label, f"richtext-image {name}", "width-1280")
    )
