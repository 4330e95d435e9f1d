"""Where unpacked H5P packages live on disk, in the private storage (uploaded
code is never served by its path; the permission-checked view in
courses.views_h5p hands each file out). The player and that view rely on this
layout:

    PRIVATE_MEDIA_ROOT/h5p/libraries/<machineName>-<major>.<minor>/   one per library
        version, shared by every package that uses it (library.json, js, css…)
    PRIVATE_MEDIA_ROOT/h5p/content/<package pk>/                     one per package
        h5p.json and content/ (content.json and the media)

Trees are written to a temporary folder beside their target (named
`.tmp-…`, never served) and renamed into place, so a half-written library or
package is never visible. Replacing a tree renames the old one aside first;
readers see the old tree or the new one, except in the instant between the
two renames.
"""

import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext_lazy as _

from core.storage import filesystem_path, private_storage

from . import metadata, validation
from .metadata import LibraryMeta, LibraryRef
from .validation import PackageInfo

CHUNK_BYTES = 64 * 1024


def h5p_root() -> Path:
    """The private storage's h5p/ folder on disk: packages are unzipped and
    their trees renamed into place there (core.storage.filesystem_path)."""
    return filesystem_path("h5p")


def libraries_root() -> Path:
    """PRIVATE_MEDIA_ROOT/h5p/libraries: the folder h5p-standalone's librariesPath
    points at."""
    return h5p_root() / "libraries"


def library_dir(folder_name: str) -> Path:
    """The folder of one installed library, e.g. library_dir("H5P.Foo-1.2")."""
    if not folder_name or "/" in folder_name or folder_name.startswith("."):
        raise ValueError(f"not a library folder name: {folder_name!r}")
    return libraries_root() / folder_name


def content_root(package) -> Path:
    """PRIVATE_MEDIA_ROOT/h5p/content/<pk>/ holding h5p.json and content/: the folder
    h5p-standalone's h5pJsonPath/contentJsonPath point at. Takes a package or
    its pk. Only complete once the package's status is ready."""
    pk = getattr(package, "pk", package)
    return h5p_root() / "content" / str(int(pk))


def served_file(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root` (libraries_root() or a
    content_root()), or None if it is not a regular file there. Refuses
    traversal and the hidden temporary folders."""
    parts = PurePosixPath(relative).parts
    if not parts or any(p in ("..", "/") or p.startswith(".") for p in parts):
        return None
    path = root.joinpath(*parts)
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            return None
    except OSError:
        return None
    return path if path.is_file() else None


def is_library_on_disk(folder_name: str) -> bool:
    return (library_dir(folder_name) / "library.json").is_file()


def installed_library_refs() -> set[LibraryRef]:
    """Libraries with a database row (check is_library_on_disk too)."""
    from courses.models import H5PLibrary

    rows = H5PLibrary.objects.values_list(
        "machine_name", "major_version", "minor_version"
    )
    return {LibraryRef(*row) for row in rows}


def installed_library_dependencies(folder_name: str) -> list[LibraryRef]:
    try:
        data = json.loads((library_dir(folder_name) / "library.json").read_bytes())
    except (OSError, ValueError):
        return []
    return metadata.parse_dependencies(data)


def new_staging_dir(target: Path) -> Path:
    """An empty temporary folder beside `target`, on the same file system so
    that it can be renamed onto it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))


def move_aside(target: Path) -> Path | None:
    """Rename `target` to a hidden name beside it (to be removed later), so
    that the name is free at once; return the new path, None if absent."""
    if not target.exists():
        return None
    aside = target.with_name(f".old-{target.name}-{uuid.uuid4().hex}")
    os.rename(target, aside)
    return aside


def swap_into_place(staged: Path, target: Path) -> None:
    """Rename `staged` to `target`, replacing any tree already there."""
    old = move_aside(target)
    try:
        os.rename(staged, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        remove_tree(old)


def remove_tree(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


class ByteBudget:
    """Counts the bytes actually extracted against the declared sizes and the
    limits, since a zip's directory can lie about them."""

    def __init__(self, lim: validation.Limits | None = None):
        self.limits = lim or validation.limits()
        self.total = 0

    def count(
        self, member: zipfile.ZipInfo, chunks: Iterable[bytes]
    ) -> Iterator[bytes]:
        written = 0
        for chunk in chunks:
            written += len(chunk)
            self.total += len(chunk)
            if written > member.file_size:
                raise metadata.error(
                    _("The file %(name)s is larger than the zip says."),
                    "size_mismatch",
                    name=member.filename,
                )
            if self.total > self.limits.unpacked_bytes:
                raise validation.too_large_unpacked(self.limits)
            validation.check_ratio(written, member.compress_size, self.limits)
            yield chunk


def extract_members(
    archive: zipfile.ZipFile,
    members: Iterable[zipfile.ZipInfo],
    *,
    prefix: str,
    dest: Path,
    budget: ByteBudget,
) -> None:
    """Write each member, less `prefix`, under `dest`, counting the bytes.
    Only regular files are created, whatever the zip says an entry is."""
    root = dest.resolve()
    for member in members:
        relative = member.filename[len(prefix) :]
        path = dest / relative
        # Validation refused unsafe names; this guards against a mistake there.
        if member.is_dir() or not path.resolve().is_relative_to(root):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, open(path, "xb") as out:
            chunks = iter(lambda source=source: source.read(CHUNK_BYTES), b"")
            for chunk in budget.count(member, chunks):
                out.write(chunk)


@dataclass
class StagedPackage:
    """A package extracted to temporary folders, ready to be renamed into
    place: its content and the libraries to install."""

    content: Path | None = None
    libraries: dict[LibraryRef, Path] = field(default_factory=dict)

    def discard(self) -> None:
        remove_tree(self.content)
        for path in self.libraries.values():
            remove_tree(path)


def stage_package(
    archive: zipfile.ZipFile,
    info: PackageInfo,
    *,
    package_pk: int,
    install: Iterable[LibraryMeta],
) -> StagedPackage:
    """Extract the package's content and the libraries in `install` to
    temporary folders; on any failure remove them all and re-raise."""
    budget = ByteBudget()
    staged = StagedPackage()
    try:
        for meta in install:
            folder = meta.ref.folder_name
            path = new_staging_dir(library_dir(folder))
            staged.libraries[meta.ref] = path
            extract_members(
                archive, meta.members, prefix=f"{folder}/", dest=path, budget=budget
            )
        staged.content = new_staging_dir(content_root(package_pk))
        extract_members(
            archive, info.content_members, prefix="", dest=staged.content, budget=budget
        )
    except BaseException:
        staged.discard()
        raise
    return staged


def remove_uploaded_file(file_name: str) -> None:
    """Delete an uploaded .h5p file from the private storage."""
    if file_name:
        private_storage().delete(file_name)


def remove_package_files(package_pk: int, file_name: str = "") -> None:
    """Remove a package's unpacked content and, if named, its uploaded file."""
    remove_tree(content_root(package_pk))
    remove_uploaded_file(file_name)
