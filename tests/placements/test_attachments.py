import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from placements.attachments import MAX_PER_LOG, attachment_add, checked_content
from placements.models import LogAttachment

from .conftest import advance, log_days


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg(size=(2400, 1800), exif_gps=True):
    image = Image.new("RGB", size, "#2f5d50")
    buffer = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {2: (29.0, 34.0, 0.0)}  # GPSInfo: a latitude
        exif[0x010F] = "PhoneMaker"
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def ooxml(folder="word/"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<w:document/>")
    return buffer.getvalue()


def test_photos_are_shrunk_and_stripped_of_metadata():
    data, suffix, content_type, thumbnail = checked_content(upload("课堂.JPG", jpeg()))
    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) == 1600
        assert not image.getexif()
    with Image.open(io.BytesIO(thumbnail)) as thumb:
        assert max(thumb.size) == 320
    assert (suffix, content_type) == (".jpg", "image/jpeg")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("教案.docx", ooxml("word/")),
        ("课件.pptx", ooxml("ppt/")),
        ("教案.pdf", b"%PDF-1.4\n%..."),
        ("教案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ],
)
def test_lesson_plans_of_allowed_types_are_kept_as_they_are(name, data):
    stored, _suffix, _type, thumbnail = checked_content(upload(name, data))
    assert stored == data and thumbnail is None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "only these file types"),
        ("教案.html", b"<script>alert(1)</script>", "only these file types"),
        ("noext", b"%PDF-1.4", "only these file types"),
        ("photo.jpg", b"<svg onload=alert(1)>", "not a photo"),
        ("教案.pdf", b"MZ\x90\x00 an exe in disguise", "not a real PDF"),
        ("教案.docx", b"PK\x03\x04 broken zip", "not a real DOCX"),
        ("教案.docx", ooxml("ppt/"), "not a real DOCX"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_disguised_or_unknown_files_are_refused(name, data, message):
    with pytest.raises(ValidationError, match=message):
        checked_content(upload(name, data))


def test_oversized_files_are_refused_before_reading(settings):
    settings.PLACEMENT_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        checked_content(upload("教案.pdf", b"%PDF-" + b"0" * 2000))


def test_zip_bomb_disguised_as_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (101 * 1024 * 1024))
    with pytest.raises(ValidationError, match="not a real DOCX"):
        checked_content(upload("bomb.docx", buffer.getvalue()))


def test_attachment_is_stored_under_a_random_name(placement):
    (log,) = log_days(placement, 1)
    attachment = attachment_add(
        log=log,
        actor=placement.participant,
        upload=upload("../../etc/passwd.pdf", b"%PDF-1"),
    )
    assert attachment.original_name == "passwd.pdf"  # Django drops the path
    assert attachment.file.name == (f"placements/{placement.pk}/{attachment.token}.pdf")


def test_only_the_participant_attaches_and_only_to_open_logs(world, placement):
    (log,) = log_days(placement, 1)
    with pytest.raises(PermissionDenied):
        attachment_add(log=log, actor=world.mentor, upload=upload("a.pdf", b"%PDF-1"))
    advance(world, placement, "submitted", days=0)
    with pytest.raises(ValidationError, match="no longer change"):
        attachment_add(
            log=log, actor=placement.participant, upload=upload("a.pdf", b"%PDF-1")
        )
    assert not LogAttachment.objects.exists()


def test_at_most_six_attachments_per_log(placement):
    (log,) = log_days(placement, 1)
    for n in range(MAX_PER_LOG):
        attachment_add(
            log=log, actor=placement.participant, upload=upload(f"{n}.pdf", b"%PDF-1")
        )
    with pytest.raises(ValidationError, match="at most"):
        attachment_add(
            log=log, actor=placement.participant, upload=upload("7.pdf", b"%PDF-1")
        )
