"""cms.images: which renditions an image gets and the markup it is shown
with."""

import re
from urllib.parse import unquote

import pytest
from django.core.cache import cache

from cms import images
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    """Wagtail caches renditions by image id in the default cache, which
    outlives each test's rolled-back images (and their reused ids)."""
    cache.clear()


def _srcset_widths(html: str) -> list[int]:
    srcset = re.search(r'srcset="([^"]+)"', html).group(1)
    return [int(part.rsplit(" ", 1)[1][:-1]) for part in srcset.split(", ")]


def _attr(html: str, name: str) -> str:
    return re.search(rf'\s{name}="([^"]*)"', html).group(1)


@pytest.mark.parametrize(
    ("original", "widths"),
    [
        (2400, [360, 640, 960, 1280]),
        (1280, [360, 640, 960, 1280]),
        (800, [360, 640, 960]),
        (360, [360]),
        (200, [360]),
    ],
)
def test_rendition_widths_stop_at_the_first_that_reaches_the_original(original, widths):
    assert images.rendition_widths(original) == widths


def test_large_image_gets_four_webp_widths_with_sizes_and_lazy_loading():
    html = str(images.responsive_image(ImageFactory(), alt="课堂上的学生"))

    assert _srcset_widths(html) == [360, 640, 960, 1280]
    for url in re.findall(r"(\S+) \d+w", html):
        assert url.endswith(".webp"), url
    assert _attr(html, "src").endswith(".webp")
    assert _attr(html, "sizes") == "(max-width: 1100px) calc(100vw - 70px), 1030px"
    assert _attr(html, "loading") == "lazy"
    assert _attr(html, "decoding") == "async"
    assert _attr(html, "alt") == "课堂上的学生"
    # The largest rendition's size: the stylesheet scales it down to fit.
    assert (_attr(html, "width"), _attr(html, "height")) == ("1280", "720")


def test_small_image_is_never_upscaled():
    image = ImageFactory(file__width=800, file__height=600)
    html = str(images.responsive_image(image))

    assert _srcset_widths(html) == [360, 640, 800]
    assert (_attr(html, "width"), _attr(html, "height")) == ("800", "600")
    assert _attr(html, "sizes") == "(max-width: 870px) calc(100vw - 70px), 800px"


def test_image_narrower_than_the_smallest_width_is_one_plain_img():
    html = str(images.responsive_image(ImageFactory(file__width=300, file__height=200)))

    assert "srcset" not in html and "sizes" not in html
    assert (_attr(html, "width"), _attr(html, "height")) == ("300", "200")
    assert _attr(html, "src").endswith(".webp")


def test_course_cover_is_cropped_to_one_ratio_for_cards_and_course_page():
    image = ImageFactory(file__width=2000, file__height=1500)
    card = str(images.responsive_image(image, layout="card"))
    course = str(images.responsive_image(image, layout="course"))

    assert _srcset_widths(card) == [360, 640, 960, 1280]
    assert re.search(r'srcset="([^"]+)"', card).group(1) == re.search(
        r'srcset="([^"]+)"', course
    ).group(1)  # the same renditions serve both
    assert (_attr(card, "width"), _attr(card, "height")) == ("1280", "533")
    assert _attr(card, "sizes").startswith("(max-width: 527px) calc(100vw - 70px)")
    assert _attr(course, "sizes").endswith("488px")
    assert {r.filter_spec for r in image.renditions.all()} == set(images.COVER_SPECS)


def test_wide_short_cover_is_not_upscaled_either():
    # 12:5 of a 2000x300 photo is at most 720 px wide.
    image = ImageFactory(file__width=2000, file__height=300)
    html = str(images.responsive_image(image, layout="card"))
    assert _srcset_widths(html) == [360, 640, 720]


def test_poster_is_one_webp_rendition_for_the_column():
    url = images.poster_url(ImageFactory())
    assert url.endswith(".webp")
    rendition = ImageFactory._meta.model.objects.get().renditions.get()
    assert (rendition.width, rendition.height) == (960, 540)


def test_placeholder_poster_is_a_drawing_with_title_and_length():
    uri = images.placeholder_poster("留守儿童的心理健康 <第一讲>", "12:30")

    assert uri.startswith("data:image/svg+xml,")
    assert not re.search(r"[\s\"'<>#]", uri)  # safe in an attribute and a URL
    svg = unquote(uri.removeprefix("data:image/svg+xml,"))
    assert "留守儿童的心理健康 &lt;第一讲&gt;" in svg
    assert "时长 12:30" in svg or "Length 12:30" in svg


def test_placeholder_poster_shortens_a_long_title():
    svg = unquote(images.placeholder_poster("长" * 40))
    assert "长" * 17 + "…" in svg and "长" * 18 not in svg
    assert "12:30" not in svg


@pytest.mark.parametrize("format_name", ["fullwidth", "left", "right"])
def test_image_embedded_in_rich_text_is_a_responsive_rendition(format_name):
    from wagtail.rich_text import expand_db_html

    image = ImageFactory()
    html = expand_db_html(
        f'<p>正文</p><embed embedtype="image" id="{image.pk}" '
        f'format="{format_name}" alt="家访"/>'
    )

    [img] = re.findall(r"<img\b[^>]*>", html)
    assert _srcset_widths(img) == [360, 640, 960, 1280]
    assert _attr(img, "src").endswith(".webp")
    assert _attr(img, "loading") == "lazy" and _attr(img, "alt") == "家访"
    assert _attr(img, "class") == f"richtext-image {format_name}"
    assert (_attr(img, "width"), _attr(img, "height")) == ("1280", "720")
