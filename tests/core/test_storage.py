"""core.storage: file system paths are taken in one place; exports' write,
rename and sweep work on a file system and on a storage without paths."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils import timezone

from core.storage import (
    files_older_than,
    filesystem_path,
    move_into_place,
    open_new,
    private_name,
    private_storage,
)


class ObjectStore(Storage):
    """A storage without file system paths, as an S3-compatible one."""

    def __init__(self):
        self.objects = {}

    def _open(self, name, mode="rb"):
        if "w" in mode:
            return _Upload(self, name)
        return ContentFile(self.objects[name], name=name)

    def _save(self, name, content):
        self.objects[name] = b"".join(content.chunks())
        return name

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)


class _Upload(ContentFile):
    """A file written to the store whole when it is closed."""

    def __init__(self, store, name):
        super().__init__(b"", name=name)
        self.store = store

    def close(self):
        self.store.objects[self.name] = self.file.getvalue()
        super().close()


@pytest.fixture
def root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def test_filesystem_path_and_private_name_are_inverse(root):
    path = filesystem_path("h5p/libraries/H5P.Foo-1.0")

    assert path == root / "h5p" / "libraries" / "H5P.Foo-1.0"
    assert private_name(path) == "h5p/libraries/H5P.Foo-1.0"
    with pytest.raises(ValueError):
        private_name(root.parent / "elsewhere")


def test_a_storage_without_paths_says_so():
    with pytest.raises(NotImplementedError):
        filesystem_path("x", ObjectStore())


@pytest.mark.parametrize("kind", ["filesystem", "object store"])
def test_a_finished_file_replaces_the_old_one_and_the_temporary_goes(root, kind):
    storage = private_storage() if kind == "filesystem" else ObjectStore()
    storage.save("exports/1.csv", ContentFile(b"old"))
    with open_new("exports/tmp/1.part", storage) as target:
        target.write(b"new")

    move_into_place("exports/tmp/1.part", "exports/1.csv", storage)

    with storage.open("exports/1.csv", "rb") as stored:
        assert stored.read() == b"new"
    assert not storage.exists("exports/tmp/1.part")


def test_files_older_than_lists_only_stale_files_of_the_suffix(root):
    storage = private_storage()
    for name in ("exports/tmp/old.part", "exports/tmp/old.txt"):
        storage.save(name, ContentFile(b"x"))
    later = timezone.now() + datetime.timedelta(minutes=1)
    earlier = timezone.now() - datetime.timedelta(minutes=1)

    assert files_older_than("exports/tmp", later, suffix=".part") == [
        "exports/tmp/old.part"
    ]
    assert files_older_than("exports/tmp", earlier, suffix=".part") == []
    assert files_older_than("exports/none", later) == []
