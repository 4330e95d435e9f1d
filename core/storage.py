"""Private storage: everything about a person (certificates, placement
attachments, exports), lesson documents and all H5P packages and content.

No URL serves it by path. A view checks who is asking and answers through
core.serving.private_file_response, which streams the bytes (demo) or hands
them to the reverse proxy's internal location (production). It is the
"private" entry of settings.STORAGES, so an object store can replace the file
system without touching the apps.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


def private_root() -> Path:
    """settings.PRIVATE_MEDIA_ROOT: outside MEDIA_ROOT, never served by path."""
    return Path(settings.PRIVATE_MEDIA_ROOT)


class PrivateStorage(FileSystemStorage):
    """A file system storage on PRIVATE_MEDIA_ROOT, read at each use (tests
    point it at a temporary folder), that has no public URL."""

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        # NotImplementedError is what Django and Wagtail expect of a storage
        # without URLs (Wagtail's document view then serves through itself).
        raise NotImplementedError("Private files have no URL; use a download view.")


def private_storage():
    """The private storage (settings.STORAGES["private"]). A callable, so
    FileFields can name it as their storage without evaluating settings at
    import time."""
    return storages["private"]
