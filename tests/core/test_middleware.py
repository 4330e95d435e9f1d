"""core.middleware.TextGZipMiddleware: the views' text answers travel
gzipped; files, streams and X-Accel-Redirect answers are left alone."""

import gzip

import pytest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.test import RequestFactory

from core.middleware import TextGZipMiddleware
from core.serving import content_response, private_file_response
from core.storage import private_storage

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
TEXT = "<p>洪溪片区教师在线研修：如何关心留守儿童。</p>\n" * 40


def _through_middleware(response, **headers):
    request = RequestFactory().get("/anything/", **headers)
    return TextGZipMiddleware(lambda request: response)(request)


def _gzip_file_name_field(body: bytes) -> bool:
    """Whether the gzip header carries a file name (FNAME, flag bit 3): where
    Django puts its random bytes against BREACH."""
    return body[:2] == b"\x1f\x8b" and bool(body[3] & 0x08)


@pytest.mark.django_db
def test_html_page_arrives_gzipped_with_vary_accept_encoding(client):
    response = client.get("/accounts/login/", **BROWSER)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    page = gzip.decompress(response.content).decode()
    assert "<form" in page and "csrfmiddlewaretoken" in page
    assert _gzip_file_name_field(response.content)


@pytest.mark.django_db
def test_html_page_stays_plain_for_a_client_without_gzip(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="identity")

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"]
    assert "<form" in response.content.decode()


@pytest.mark.django_db
def test_each_compressed_page_differs_in_length_against_breach(client):
    """Django's "Heal the Breach": up to 100 random bytes per response, so the
    compressed length of the same page varies."""
    lengths = {len(client.get("/accounts/login/", **BROWSER).content) for _ in range(8)}
    assert len(lengths) > 1


@pytest.mark.parametrize(
    "response",
    [
        JsonResponse({"text": TEXT}, json_dumps_params={"ensure_ascii": False}),
        HttpResponse(TEXT, content_type="text/csv; charset=utf-8"),
        HttpResponse(TEXT, content_type="text/javascript"),
        HttpResponse(TEXT, content_type="application/manifest+json"),
    ],
    ids=["json", "csv", "javascript", "manifest"],
)
def test_text_answers_of_views_are_compressed(response):
    answered = _through_middleware(response, **BROWSER)
    assert answered["Content-Encoding"] == "gzip"
    assert TEXT.splitlines()[0] in gzip.decompress(answered.content).decode()


def test_export_made_for_the_request_is_compressed_when_text():
    csv = content_response(
        ("姓名,学时\n" + "沙马伍呷,12\n" * 200).encode(),
        content_type="text/csv; charset=utf-8",
        filename="hours.csv",
    )
    answered = _through_middleware(csv, **BROWSER)
    assert answered["Content-Encoding"] == "gzip"
    assert answered["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "image/jpeg",
        "image/webp",
        "video/mp4",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
def test_binary_answers_are_not_compressed(content_type):
    body = b"%PDF-1.4 " + b"0" * 5000  # compressible bytes: only the type decides
    answered = _through_middleware(
        content_response(body, content_type=content_type, filename="file.bin"),
        **BROWSER,
    )
    assert "Content-Encoding" not in answered
    assert answered.content == body


def test_stored_file_download_is_sent_as_it_is(settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    name = private_storage().save("exports/hours.csv", _file(TEXT.encode() * 20))
    response = private_file_response(name, content_type="text/csv", filename="h.csv")
    answered = _through_middleware(response, **BROWSER)

    assert answered.streaming
    assert "Content-Encoding" not in answered
    assert b"".join(answered.streaming_content) == TEXT.encode() * 20


def test_x_accel_redirect_answer_is_left_to_the_proxy(settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    name = private_storage().save("exports/hours.csv", _file(TEXT.encode()))
    response = private_file_response(name, content_type="text/csv", filename="h.csv")
    answered = _through_middleware(response, **BROWSER)
    assert answered["X-Accel-Redirect"].startswith("/_private/exports/")
    assert "Content-Encoding" not in answered

    # Even with a body of text (a view that answers both): the proxy sends it.
    both = HttpResponse(TEXT, content_type="text/html")
    both["X-Accel-Redirect"] = "/_private/exports/hours.csv"
    assert "Content-Encoding" not in _through_middleware(both, **BROWSER)


def test_a_stream_of_text_still_streams_uncompressed():
    """A long export written as it goes must reach the browser as it is
    written; gzip would hold the bytes back in its window."""
    rows = (f"{n},沙马伍呷\n".encode() for n in range(10_000))
    answered = _through_middleware(
        StreamingHttpResponse(rows, content_type="text/csv"), **BROWSER
    )
    assert answered.streaming
    assert "Content-Encoding" not in answered
    assert next(iter(answered.streaming_content)) == "0,沙马伍呷\n".encode()


def test_an_answer_already_encoded_is_not_encoded_twice():
    body = gzip.compress(TEXT.encode())
    response = HttpResponse(body, content_type="text/javascript")
    response["Content-Encoding"] = "br"
    answered = _through_middleware(response, **BROWSER)
    assert answered["Content-Encoding"] == "br" and answered.content == body


@pytest.mark.django_db
def test_static_files_are_left_to_whitenoise(client, settings):
    """The middleware sits after WhiteNoise: Django never gzips a static file
    (WhiteNoise sends the precompressed copies collectstatic wrote)."""
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests
    names = settings.MIDDLEWARE
    assert names.index("core.middleware.TextGZipMiddleware") > (
        names.index("whitenoise.middleware.WhiteNoiseMiddleware")
    )
    response = client.get("/static/css/site.css", **BROWSER)
    assert response.status_code == 200
    assert "Content-Encoding" not in response  # no .gz beside it in tests
    assert b"".join(response.streaming_content).startswith(b"/*")


def _file(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)
