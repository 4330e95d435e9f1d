"""Checking uploaded files by their content, the one checker every upload
form uses (placement attachments first).

A file is taken only if its name's suffix is one the caller allows and its
bytes are what that suffix says: JPEG/PNG/WebP photos, PDF, Word and
PowerPoint files (both the .docx/.pptx and the older .doc/.ppt formats that
WPS still writes). Photos are re-encoded: turned upright, shrunk to at most
1600 px and stripped of their metadata (phones put the GPS position in it),
which also keeps them light on slow links; a JPEG thumbnail comes with them.
"""

import io
import zipfile
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PHOTO_MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
PHOTO_MAX_PIXELS = 50_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024

# suffix -> (kind, content type, folder an OOXML zip must contain)
UPLOAD_TYPES = {
    ".jpg": ("photo", "image/jpeg", None),
    ".jpeg": ("photo", "image/jpeg", None),
    ".png": ("photo", "image/png", None),
    ".webp": ("photo", "image/webp", None),
    ".pdf": ("pdf", "application/pdf", None),
    ".doc": ("ole", "application/msword", None),
    ".ppt": ("ole", "application/vnd.ms-powerpoint", None),
    ".docx": (
        "ooxml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    ".pptx": (
        "ooxml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/",
    ),
}


class CheckedUpload(NamedTuple):
    """What to store: the bytes, their suffix and content type and, for
    photos, a JPEG thumbnail."""

    data: bytes
    suffix: str
    content_type: str
    thumbnail: bytes | None


def suffix_of(name: str) -> str:
    """ ".pdf" for "教案.PDF"; "" without a suffix (or for ".hidden")."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def checked_upload(upload, *, suffixes: Iterable[str], max_bytes: int) -> CheckedUpload:
    """The upload, checked, as it should be stored.

    Raises ValidationError when the file is empty, larger than `max_bytes`, of
    a type not in `suffixes` (each a key of UPLOAD_TYPES), or not what its
    name says it is."""
    allowed = sorted(set(suffixes) & UPLOAD_TYPES.keys())
    name = upload.name or ""
    suffix = suffix_of(name)
    if suffix not in allowed:
        raise ValidationError(
            _("%(name)s: only these file types can be attached: %(types)s.")
            % {"name": name, "types": " ".join(allowed)}
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(max_bytes)}
        )
    data = b"".join(upload.chunks())
    kind, content_type, folder = UPLOAD_TYPES[suffix]
    if kind == "photo":
        return reencoded_photo(data, name)
    if not looks_like(kind, data, folder):
        raise ValidationError(
            _("%(name)s is not a real %(type)s file.")
            % {"name": name, "type": suffix.lstrip(".").upper()}
        )
    return CheckedUpload(data, suffix, content_type, None)


def looks_like(kind: str, data: bytes, folder: str | None = None) -> bool:
    """Whether `data` is a file of `kind` ("pdf", "ole", "ooxml" with
    `folder`, e.g. "word/"): magic bytes, and for OOXML a zip with its parts
    and within limits of entries and unpacked size."""
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "ole":
        return data.startswith(OLE_MAGIC)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    names = {e.filename for e in entries}
    return (
        "[Content_Types].xml" in names
        and any(n.startswith(folder or "") for n in names)
        and len(entries) <= ZIP_MAX_ENTRIES
        and sum(e.file_size for e in entries) <= ZIP_MAX_UNCOMPRESSED
    )


def reencoded_photo(data: bytes, name: str) -> CheckedUpload:
    """The photo turned upright, at most PHOTO_MAX_SIDE, without metadata:
    PNG if it has transparency, JPEG otherwise; with a JPEG thumbnail.
    Raises ValidationError for what Pillow cannot read as JPEG, PNG or WebP,
    or for too many pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    not_a_photo = ValidationError(
        _("%(name)s is not a photo we can read (JPEG, PNG or WebP).") % {"name": name}
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise not_a_photo
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels.") % {"name": name}
                )
            image = ImageOps.exif_transpose(image)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            thumbnail = jpeg_bytes(image, THUMBNAIL_SIDE, quality=70)
            if image.mode in ("RGBA", "LA", "P"):
                out = io.BytesIO()
                image.save(out, "PNG", optimize=True)
                return CheckedUpload(out.getvalue(), ".png", "image/png", thumbnail)
            photo = jpeg_bytes(image, PHOTO_MAX_SIDE)
            return CheckedUpload(photo, ".jpg", "image/jpeg", thumbnail)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise not_a_photo from None


def jpeg_bytes(image, side: int, quality: int = 82) -> bytes:
    """A JPEG of the Pillow image at most `side` px, transparency flattened
    onto white (as a viewer would show it)."""
    from PIL import Image

    copy = image.convert("RGBA") if image.mode == "P" else image.copy()
    copy.thumbnail((side, side))
    if copy.mode in ("RGBA", "LA"):
        background = Image.new("RGB", copy.size, "white")
        background.paste(copy, mask=copy.getchannel("A"))
        copy = background
    out = io.BytesIO()
    copy.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
