"""In headless Chromium at 360 px: a lesson with a large photo and two videos
(one with a poster, one without) fits the phone, the photo arrives as its
smallest WebP rendition, and no byte of either video is fetched before play.
Saves a screenshot when SHOTS_DIR is set."""

import io
import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from courses import services
from courses.models import LessonPage
from tests.factories import PrivateDocumentFactory
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _photo(title, size, colour):
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    for x in range(0, size[0], 100):
        draw.line([(x, 0), (x, size[1])], fill="#ffffff", width=6)
    draw.ellipse(
        [size[0] // 3, size[1] // 4, size[0] * 2 // 3, size[1] * 3 // 4], fill="#f2c14e"
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.jpg")
    )


def _video(title, poster=None, duration=""):
    document = PrivateDocumentFactory(title=f"{title}.mp4", file__filename="talk.mp4")
    return {
        "type": "video",
        "value": {
            "title": title,
            "video": document.pk,
            "poster": poster.pk if poster else None,
            "duration": duration,
            "captions": None,
            "transcript": "",
        },
    }


@pytest.fixture
def media_lesson(teacher, course_with_lessons):
    course = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=course)
    photo = _photo("classroom", (2000, 1500), "#3a7d5c")
    body = [
        {"type": "paragraph", "value": "<p>观看下面的视频，再看一看课堂照片。</p>"},
        {
            "type": "image",
            "value": {
                "image": photo.pk,
                "caption": "课堂上的小组合作",
                "alt_text": "小组合作",
            },
        },
        _video("小组合作的组织", poster=_photo("poster", (1920, 1080), "#24527a")),
        _video("如何关心留守儿童：家访的准备", duration="12:30"),
    ]
    lesson = course.add_child(
        instance=LessonPage(
            title="课堂里的小组合作", slug="photos-and-videos", body=body
        )
    )
    return LessonPage.objects.get(pk=lesson.pk)


def _serve_media(route):
    """Public media as nginx would send it (tests run without DEBUG)."""
    name = route.request.url.split("/media/", 1)[1]
    path = Path(django_settings.MEDIA_ROOT) / name
    if not path.is_file():
        return route.fulfill(status=404)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)


def test_lesson_with_photo_and_videos_fits_a_phone(
    live_server, client, teacher, media_lesson
):
    from playwright.sync_api import sync_playwright

    client.force_login(teacher)
    cookie = {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    url = live_server.url + media_lesson.url
    requested = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies([cookie])
        context.route(f"{live_server.url}/media/**", _serve_media)
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url)
        photo = page.locator("figure img")
        photo.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        page.evaluate("window.scrollTo(0, 0)")
        layout = page.evaluate(
            """() => { const img = document.querySelector('figure img'); return {
                scrollWidth: document.documentElement.scrollWidth,
                image: img.getBoundingClientRect().width,
                natural: img.naturalWidth,
                current: img.currentSrc,
                videos: [...document.querySelectorAll('video')].map(v => ({
                    width: v.getBoundingClientRect().width,
                    height: v.getBoundingClientRect().height,
                    poster: v.poster.slice(0, 30),
                })),
            }; }"""
        )
        if os.environ.get("SHOTS_DIR"):
            page.screenshot(
                path=str(Path(os.environ["SHOTS_DIR"]) / "assets-lesson-360.png"),
                full_page=True,
            )
        browser.close()

    assert layout["scrollWidth"] <= 360, layout
    assert 250 <= layout["image"] <= 360 - 32, layout
    # One device pixel per CSS pixel: the 360 px rendition, not the 2000 px
    # photo (naturalWidth is the rendition's scaled to `sizes`).
    assert ".width-360.format-webp." in layout["current"], layout
    assert layout["natural"] == layout["image"], layout
    for video in layout["videos"]:
        assert video["width"] <= 360 - 32
        assert abs(video["width"] / video["height"] - 16 / 9) < 0.05, video
    assert (
        layout["videos"][0]["poster"].endswith(".webp")
        or "/media/" in (layout["videos"][0]["poster"])
    )
    assert layout["videos"][1]["poster"].startswith("data:image/svg+xml")
    assert not [u for u in requested if "/documents/" in u], requested
    assert not [u for u in requested if "/media/original_images/" in u], requested
