"""core.serving: the one place downloads get their headers."""

import pytest
from django.core.files.base import ContentFile
from django.http import Http404

from core.serving import SANDBOX_CSP, content_response, private_file_response
from core.storage import private_storage


@pytest.fixture
def stored(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return private_storage().save("h5p/content/1/a.json", ContentFile(b"{}"))


def test_content_response_is_private_and_inline_when_asked():
    response = content_response(
        b"%PDF-",
        content_type="application/pdf",
        filename="t-1.pdf",
        as_attachment=False,
    )

    assert response["Content-Disposition"] == 'inline; filename="t-1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"%PDF-"


def test_stored_file_is_streamed_sandboxed_and_readable_from_any_origin(stored):
    response = private_file_response(
        stored,
        content_type="application/json",
        as_attachment=False,
        cache_control="private, max-age=3600",
        sandbox=True,
        any_origin=True,
    )

    assert b"".join(response.streaming_content) == b"{}"
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_behind_the_proxy_only_the_internal_location_is_sent(stored, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"

    response = private_file_response(stored, content_type="application/json")

    assert response["X-Accel-Redirect"] == "/_private/h5p/content/1/a.json"
    assert response.content == b""
    assert "Content-Security-Policy" not in response
    assert response["Content-Disposition"] == "attachment"


def test_a_missing_file_is_404(stored):
    with pytest.raises(Http404):
        private_file_response("h5p/nothing", content_type="text/plain")
