"""Where export files live. They hold personal data, so they are kept outside
MEDIA_ROOT (which a web server may serve as it is) and handed out only by the
permission-checked download view."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def export_root() -> Path:
    """settings.REPORTS_EXPORT_ROOT, or a folder beside MEDIA_ROOT."""
    configured = getattr(settings, "REPORTS_EXPORT_ROOT", "")
    if configured:
        return Path(configured)
    media = Path(settings.MEDIA_ROOT)
    return media.with_name(f"{media.name}-exports")


class ExportStorage(FileSystemStorage):
    """A file system storage whose folder follows the settings at each use
    (tests point it at a temporary folder), with no public URL."""

    @property
    def base_location(self):
        return str(export_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Export files have no public URL; use the download view.")


_storage = ExportStorage()


def export_storage() -> ExportStorage:
    return _storage
