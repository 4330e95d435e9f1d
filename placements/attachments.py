"""Photos and lesson plans attached to placement logs.

Only a short list of types is taken, each recognised by its content, not by
its name: JPEG/PNG/WebP photos, PDF, Word and PowerPoint files (both the
.docx/.pptx and the older .doc/.ppt formats that WPS still writes). Photos are
re-encoded: turned upright, shrunk to at most 1600 px and stripped of their
metadata (phones put the GPS position in it), which also keeps them light on
slow links.
"""

import io
import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from people.permissions import ensure

from .models import LogAttachment, Placement, PlacementLog
from .permissions import can_log

PHOTO_MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
PHOTO_MAX_PIXELS = 50_000_000
MAX_PER_LOG = 6
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024

# suffix -> (kind, content type, folder an OOXML zip must contain)
ALLOWED = {
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


def max_bytes() -> int:
    return settings.PLACEMENT_ATTACHMENT_MAX_BYTES


def allowed_suffixes() -> str:
    return " ".join(sorted(ALLOWED))


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def checked_content(upload) -> tuple[bytes, str, str, bytes | None]:
    """The bytes to store, their suffix, content type and, for photos, a
    thumbnail.

    Raises ValidationError when the file is empty, too large, of a type not
    allowed, or not what its name says it is."""
    name = upload.name or ""
    suffix = _suffix(name)
    if suffix not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only these file types can be attached: %(types)s.")
            % {"name": name, "types": allowed_suffixes()}
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(max_bytes())}
        )
    data = b"".join(upload.chunks())
    kind, content_type, folder = ALLOWED[suffix]
    if kind == "photo":
        return _photo(data, name)
    if not _looks_like(kind, data, folder):
        raise ValidationError(
            _("%(name)s is not a real %(type)s file.")
            % {"name": name, "type": suffix.lstrip(".").upper()}
        )
    return data, suffix, content_type, None


def _looks_like(kind: str, data: bytes, folder: str | None) -> bool:
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
        and any(n.startswith(folder) for n in names)
        and len(entries) <= ZIP_MAX_ENTRIES
        and sum(e.file_size for e in entries) <= ZIP_MAX_UNCOMPRESSED
    )


def _photo(data: bytes, name: str) -> tuple[bytes, str, str, bytes]:
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
            thumbnail = _jpeg(image, THUMBNAIL_SIDE, quality=70)
            if image.mode in ("RGBA", "LA", "P"):
                out = io.BytesIO()
                image.save(out, "PNG", optimize=True)
                return out.getvalue(), ".png", "image/png", thumbnail
            return _jpeg(image, PHOTO_MAX_SIDE), ".jpg", "image/jpeg", thumbnail
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise not_a_photo from None


def _jpeg(image, side: int, quality: int = 82) -> bytes:
    from PIL import Image

    copy = image.convert("RGBA") if image.mode == "P" else image.copy()
    copy.thumbnail((side, side))
    if copy.mode in ("RGBA", "LA"):
        # JPEG has no transparency: flatten onto white, as a viewer would.
        background = Image.new("RGB", copy.size, "white")
        background.paste(copy, mask=copy.getchannel("A"))
        copy = background
    out = io.BytesIO()
    copy.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _lock_open_log(log: PlacementLog, actor) -> None:
    """Lock the log's placement; only its participant may change the files of
    an open, unconfirmed log. Raises PermissionDenied or ValidationError."""
    from .services import EDITABLE

    placement = Placement.objects.select_for_update().get(pk=log.placement_id)
    ensure(can_log(actor, placement))
    if placement.status not in EDITABLE or log.is_confirmed:
        raise ValidationError(_("This log can no longer change."))


@transaction.atomic
def attachment_add(*, log: PlacementLog, actor, upload) -> LogAttachment:
    """Attach one checked file to the participant's own open, unconfirmed log.

    Raises PermissionDenied for anyone else, ValidationError for a closed log,
    too many files or a file `checked_content` refuses."""
    _lock_open_log(log, actor)
    if log.attachments.count() >= MAX_PER_LOG:
        raise ValidationError(
            _("A log can have at most %(n)d attachments.") % {"n": MAX_PER_LOG}
        )
    data, suffix, content_type, thumbnail = checked_content(upload)
    attachment = LogAttachment(
        log=log,
        token=secrets.token_hex(16),
        suffix=suffix,
        original_name=(upload.name or "file")[-200:],
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save("upload", ContentFile(data), save=False)
    if thumbnail:
        attachment.thumbnail.save("thumb", ContentFile(thumbnail), save=False)
    # The files are written first; if the row fails, they go with it.
    try:
        attachment.save()
    except Exception:
        _delete_files(attachment)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: LogAttachment, actor) -> None:
    """Remove an attachment from the participant's own open, unconfirmed log.
    Raises PermissionDenied or ValidationError."""
    _lock_open_log(attachment.log, actor)
    attachment.delete()
    transaction.on_commit(lambda: _delete_files(attachment))


def _delete_files(attachment: LogAttachment) -> None:
    for field in (attachment.file, attachment.thumbnail):
        if field:
            field.storage.delete(field.name)
