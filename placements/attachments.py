"""Photos and lesson plans attached to placement logs.

Only a short list of types is taken, each recognised by its content, not by
its name, and photos are re-encoded: core.uploads checks them.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.uploads import CheckedUpload, checked_upload
from people.permissions import ensure

from .models import LogAttachment, Placement, PlacementLog
from .permissions import can_log

MAX_PER_LOG = 6
# Photos, PDF, Word and PowerPoint (the older .doc/.ppt that WPS writes too).
ATTACHMENT_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".webp", ".pdf", ".doc", ".ppt", ".docx", ".pptx",
)  # fmt: skip


def max_bytes() -> int:
    return settings.PLACEMENT_ATTACHMENT_MAX_BYTES


def allowed_suffixes() -> str:
    return " ".join(sorted(ATTACHMENT_SUFFIXES))


def checked_content(upload) -> CheckedUpload:
    """The bytes to store, their suffix, content type and, for photos, a
    thumbnail.

    Raises ValidationError when the file is empty, too large, of a type not
    allowed, or not what its name says it is."""
    return checked_upload(upload, suffixes=ATTACHMENT_SUFFIXES, max_bytes=max_bytes())


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
        delete_attachment_files(attachment)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: LogAttachment, actor) -> None:
    """Remove an attachment from the participant's own open, unconfirmed log.
    Raises PermissionDenied or ValidationError."""
    _lock_open_log(attachment.log, actor)
    attachment.delete()
    transaction.on_commit(lambda: delete_attachment_files(attachment))


def delete_attachment_files(attachment: LogAttachment) -> None:
    """Remove an attachment's stored file and thumbnail."""
    for field in (attachment.file, attachment.thumbnail):
        if field:
            field.storage.delete(field.name)
