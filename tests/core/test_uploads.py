"""core.uploads: files are checked by their content, not their name."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from core.uploads import checked_upload, suffix_of

SUFFIXES = (".png", ".pdf", ".docx")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def _png_with_transparency():
    buffer = io.BytesIO()
    Image.new("RGBA", (3000, 1000), (255, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def test_suffix_of_is_lower_case_and_ignores_hidden_names():
    assert suffix_of("教案.PDF") == ".pdf"
    assert suffix_of(".pdf") == ""
    assert suffix_of("noext") == ""


def test_only_the_callers_suffixes_are_taken():
    with pytest.raises(ValidationError) as raised:
        checked_upload(_upload("a.doc", b"x"), suffixes=SUFFIXES, max_bytes=100)

    assert ".docx .pdf .png" in raised.value.messages[0]


def test_a_file_is_refused_when_it_is_not_what_its_name_says():
    with pytest.raises(ValidationError, match="not a real PDF"):
        checked_upload(
            _upload("a.pdf", b"MZ\x90\x00"), suffixes=SUFFIXES, max_bytes=100
        )


def test_size_limit_is_the_callers():
    data = b"%PDF-" + b"0" * 200
    with pytest.raises(ValidationError, match="larger than"):
        checked_upload(_upload("a.pdf", data), suffixes=SUFFIXES, max_bytes=100)

    kept = checked_upload(_upload("a.pdf", data), suffixes=SUFFIXES, max_bytes=1000)
    assert kept == (data, ".pdf", "application/pdf", None)


def test_transparent_photos_stay_png_shrunk_with_a_jpeg_thumbnail():
    checked = checked_upload(
        _upload("a.png", _png_with_transparency()), suffixes=SUFFIXES, max_bytes=10**7
    )

    with Image.open(io.BytesIO(checked.data)) as image:
        assert (image.format, image.size) == ("PNG", (1600, 533))
    with Image.open(io.BytesIO(checked.thumbnail)) as thumbnail:
        assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320
    assert (checked.suffix, checked.content_type) == (".png", "image/png")
