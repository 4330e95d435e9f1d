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


def filesystem_path(name: str = "", storage=None) -> Path:
    """The file system path of `name` in `storage` (the private storage).

    The one place a real path is taken, for what an object store cannot do
    through Django's Storage API:
    - unpacking H5P packages: zip members are streamed into a staging folder
      and whole trees are renamed into place at once, so the player never sees
      half a library (courses.h5p.storage);
    - serving the extracted H5P files one by one (nginx reads them by path);
    - renaming a finished export onto its name (move_into_place).
    Raises NotImplementedError for a storage without paths, as Storage.path
    does; callers that can do without (move_into_place, open_new) catch it."""
    return Path((storage or private_storage()).path(name))


def private_name(path: Path) -> str:
    """The private storage's name for a file given by its path there; raises
    ValueError for a path outside it."""
    root = filesystem_path().resolve()
    return Path(path).resolve().relative_to(root).as_posix()


def open_new(name: str, storage=None):
    """A binary file open for writing `name` in `storage` (the private
    storage), its folders made; closing it completes the file."""
    storage = storage or private_storage()
    try:
        path = filesystem_path(name, storage)
    except NotImplementedError:
        return storage.open(name, "wb")
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "wb")


def move_into_place(temporary: str, name: str, storage=None) -> None:
    """Give the finished file `temporary` the name `name`, replacing any file
    of that name: on a file system by one rename, so `name` is never half
    written; in an object store, which writes an object whole, by a copy."""
    storage = storage or private_storage()
    try:
        source, target = (
            filesystem_path(temporary, storage),
            filesystem_path(name, storage),
        )
    except NotImplementedError:
        with storage.open(temporary, "rb") as data:
            storage.delete(name)
            storage.save(name, data)
        storage.delete(temporary)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def files_older_than(folder: str, cutoff, *, suffix: str = "", storage=None):
    """The names of the files directly in `folder` ending in `suffix` last
    changed before the aware datetime `cutoff` (none if it does not exist)."""
    storage = storage or private_storage()
    if not storage.exists(folder):
        return []
    _folders, files = storage.listdir(folder)
    names = [f"{folder}/{file}" for file in files if file.endswith(suffix)]
    return [name for name in names if storage.get_modified_time(name) < cutoff]
