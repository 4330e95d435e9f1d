"""Images and videos as a teacher gets them on a lesson, the catalog and a
course page: WebP renditions with srcset, lazy, sized; videos that load
nothing before they are played; no query per image."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.blocks import VideoBlock
from courses.models import LessonPage
from tests.factories import ImageFactory, PrivateDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    """Wagtail caches renditions by image id in the default cache, which
    outlives each test's rolled-back images (and their reused ids). Cleared,
    the query counts below are those of a cold cache, or of Redis down."""
    cache.clear()


def _image_block(image, alt="学生在课堂上"):
    return {
        "type": "image",
        "value": {"image": image.pk, "caption": "", "alt_text": alt},
    }


def _video_block(*, poster=None, duration="", captions=None):
    return {
        "type": "video",
        "value": {
            "title": "如何关心留守儿童",
            "video": PrivateDocumentFactory(
                title="第一讲视频", file__filename="talk.mp4"
            ).pk,
            "poster": poster.pk if poster else None,
            "duration": duration,
            "captions": captions.pk if captions else None,
            "transcript": "",
        },
    }


@pytest.fixture
def lesson_with(client, teacher, course_with_lessons):
    """lesson_with(*blocks) -> the lesson's URL, in a course the signed-in
    teacher is enrolled in."""
    course = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)
    counter = iter(range(1, 100))

    def build(*blocks):
        n = next(counter)
        lesson = course.add_child(
            instance=LessonPage(
                title=f"图文课{n}", slug=f"media-{n}", body=list(blocks)
            )
        )
        return lesson.url

    return build


def _imgs(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", html)


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def test_lesson_image_is_webp_srcset_at_four_widths_lazy_and_sized(client, lesson_with):
    url = lesson_with(_image_block(ImageFactory(file__width=2000, file__height=1500)))

    html = client.get(url).content.decode()

    [img] = _imgs(html)
    srcset = _attr(img, "srcset").split(", ")
    assert [entry.rsplit(" ", 1)[1] for entry in srcset] == [
        "360w",
        "640w",
        "960w",
        "1280w",
    ]
    assert all(entry.split(" ")[0].endswith(".webp") for entry in srcset)
    assert _attr(img, "src").endswith(".webp")
    assert _attr(img, "sizes") == "(max-width: 1100px) calc(100vw - 70px), 1030px"
    assert _attr(img, "loading") == "lazy" and _attr(img, "decoding") == "async"
    assert (_attr(img, "width"), _attr(img, "height")) == ("1280", "960")
    assert _attr(img, "alt") == "学生在课堂上"


def _queries_for(client, url) -> int:
    client.get(url)  # the first visit starts the lesson and makes renditions
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lesson_with_five_images_asks_no_more_than_with_one(client, lesson_with):
    one = lesson_with(_image_block(ImageFactory()))
    five = lesson_with(*[_image_block(ImageFactory()) for _ in range(5)])

    # The images of a block field come in one query and their renditions in
    # one more (cms.images.ImageChooserBlock), however many there are.
    assert _queries_for(client, five) == _queries_for(client, one)
    assert len(_imgs(client.get(five).content.decode())) == 5


def test_video_loads_nothing_before_play_and_shows_its_poster(client, lesson_with):
    captions = PrivateDocumentFactory(title="字幕", file__filename="talk.vtt")
    url = lesson_with(_video_block(poster=ImageFactory(), captions=captions))

    html = client.get(url).content.decode()

    [video] = re.findall(r"<video\b[^>]*>", html)
    assert _attr(video, "preload") == "none"
    assert " playsinline" in video and " controls" in video
    poster = _attr(video, "poster")
    assert poster.startswith("/media/images/") and poster.endswith(".webp")
    assert '<track kind="captions"' in html
    assert "<source src=" in html


def test_video_without_poster_shows_a_drawn_placeholder_with_its_length(
    client, lesson_with
):
    url = lesson_with(_video_block(duration="12:30"))

    response = client.get(url)
    html = response.content.decode()

    [video] = re.findall(r"<video\b[^>]*>", html)
    assert _attr(video, "preload") == "none"
    poster = _attr(video, "poster")
    assert poster.startswith("data:image/svg+xml,")  # no request
    assert "%E5%A6%82%E4%BD%95" in poster  # 如何, the title's first characters
    assert "时长 12:30" in html  # the caption says it too
    assert "<track" not in html


@pytest.mark.parametrize("length", ["12:30", "2:05", "1:02:03", ""])
def test_video_length_accepts_minutes_and_seconds(length):
    block = VideoBlock()
    value = block.to_python({"title": "视频", "video": None, "duration": length})
    assert block.child_blocks["duration"].clean(value["duration"]) == length


@pytest.mark.parametrize("length", ["12分钟", "12:75", "90", "1:2"])
def test_video_length_refuses_other_forms_with_a_message(length):
    with pytest.raises(ValidationError) as refused:
        VideoBlock().child_blocks["duration"].clean(length)
    assert "12:30" in " ".join(refused.value.messages)


def test_catalog_covers_are_renditions_with_one_query_for_all(
    client, catalog, course_with_lessons
):
    def catalog_queries() -> int:
        client.get(catalog.url)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(catalog.url)
        return len(queries)

    course_with_lessons(1, cover_image=ImageFactory())
    with_one = catalog_queries()
    for _ in range(3):
        course_with_lessons(1, cover_image=ImageFactory())
    assert catalog_queries() == with_one

    imgs = _imgs(client.get(catalog.url).content.decode())
    assert len(imgs) == 4
    for img in imgs:
        assert _attr(img, "srcset").count(".webp ") == 4
        assert _attr(img, "loading") == "lazy"
        assert (_attr(img, "width"), _attr(img, "height")) == ("1280", "533")
        assert _attr(img, "sizes").startswith("(max-width: 527px)")


def test_course_page_cover_is_a_rendition_srcset(client, course_with_lessons):
    course = course_with_lessons(1, cover_image=ImageFactory())

    [img] = _imgs(client.get(course.url).content.decode())
    assert _attr(img, "srcset").count(".webp ") == 4
    assert _attr(img, "sizes").endswith("488px")
