"""Validation of uploaded .h5p files, before anything is stored.

An .h5p file is a zip holding `h5p.json`, `content/content.json` (plus the
content's media under `content/`) and one top-level folder per library,
named `<machineName>-<major>.<minor>` and holding `library.json`. Reading the
zip's directory and its JSON files is cheap, so the whole structure is checked
at upload time; `ByteBudget` enforces the size limits again on the bytes that
are actually extracted (storage.ByteBudget), because a zip's declared sizes
can lie.

The JSON files themselves are read and parsed by courses.h5p.metadata.

Every failure raises django.core.exceptions.ValidationError with a translated
message and a `code` naming the rule.
"""

import re
import stat
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .metadata import (
    LibraryMeta,
    LibraryRef,
    error,
    package_libraries,
    parse_h5p_json,
    read_json,
    resolve_dependencies,
    top_folder,
)

# H5P core's default content whitelist (H5PCore::$defaultContentWhitelist).
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 "
    "m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch "
    "swf md textile vtt webvtt gltf glb".split()
)
# H5PCore::$defaultLibraryWhitelistExtras: allowed inside library folders only.
LIBRARY_EXTRA_EXTENSIONS = frozenset({"js", "css"})

DRIVE_RE = re.compile(r"[A-Za-z]:")

# Compression ratios are only judged on entries (and archives) larger than
# this: tiny files of repeated characters compress far better than 100:1.
RATIO_CHECK_MIN_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    package_bytes: int
    entries: int
    unpacked_bytes: int
    compression_ratio: int


def limits() -> Limits:
    """The size limits, from settings, with defaults for a 50 MB upload."""
    return Limits(
        package_bytes=getattr(settings, "H5P_MAX_PACKAGE_BYTES", 50 * 1024 * 1024),
        entries=getattr(settings, "H5P_MAX_ENTRIES", 2000),
        unpacked_bytes=getattr(settings, "H5P_MAX_UNPACKED_BYTES", 200 * 1024 * 1024),
        compression_ratio=getattr(settings, "H5P_MAX_COMPRESSION_RATIO", 100),
    )


@dataclass(frozen=True)
class PackageInfo:
    """What a valid package holds. `libraries` are the package's own library
    folders the content needs (its preloadedDependencies, transitively);
    `installed` are needed libraries found only among installed ones."""

    title: str
    main_library: str
    h5p_json: dict
    dependencies: tuple[LibraryRef, ...]
    libraries: dict[LibraryRef, LibraryMeta]
    installed: tuple[LibraryRef, ...]
    content_members: tuple[zipfile.ZipInfo, ...] = field(repr=False)


def validate_package(file, *, name: str | None = None) -> PackageInfo:
    """Check an uploaded .h5p file (any seekable file object with a size)
    against every rule; raise ValidationError naming the first rule broken."""
    name = name if name is not None else getattr(file, "name", "") or ""
    if not name.lower().endswith(".h5p"):
        raise error(_("Upload a file ending in .h5p."), "extension")
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
    limit = limits().package_bytes
    if size > limit:
        raise error(
            _("The package is larger than %(limit)s."),
            "package_too_large",
            limit=filesizeformat(limit),
        )
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise error(_("The file is not a valid zip archive."), "not_zip") from None
    try:
        with archive:
            return validate_archive(archive)
    finally:
        file.seek(0)


def validate_archive(archive: zipfile.ZipFile) -> PackageInfo:
    """validate_package for an open zip archive."""
    try:
        members = _checked_members(archive)
        h5p_json = read_json(archive, "h5p.json")
        title, main_library, dependencies = parse_h5p_json(h5p_json)
        read_json(archive, "content/content.json")
        own_libraries = package_libraries(archive, members)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise error(_("The zip archive is damaged."), "damaged_zip") from None
    needed, installed = resolve_dependencies(dependencies, own_libraries)
    content = tuple(
        m for m in members if m.filename == "h5p.json" or top_folder(m) == "content"
    )
    return PackageInfo(
        title=title,
        main_library=main_library,
        h5p_json=h5p_json,
        dependencies=dependencies,
        libraries=needed,
        installed=installed,
        content_members=content,
    )


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Check every entry's name, type and sizes; return the entries to keep:
    files, without those H5P ignores (a path segment starting with . or _)."""
    infos = archive.infolist()
    lim = limits()
    if len(infos) > lim.entries:
        raise error(
            _("The package holds more than %(limit)s files."),
            "too_many_entries",
            limit=lim.entries,
        )
    kept, seen = [], set()
    for info in infos:
        _check_entry(info, seen)
        parts = info.filename.rstrip("/").split("/")
        if info.is_dir() or any(p.startswith((".", "_")) for p in parts):
            continue
        _check_extension(info, parts)
        check_ratio(info.file_size, info.compress_size, lim)
        kept.append(info)
    declared = sum(m.file_size for m in kept)
    if declared > lim.unpacked_bytes:
        raise too_large_unpacked(lim)
    check_ratio(declared, sum(m.compress_size for m in kept), lim)
    return kept


def _check_entry(info: zipfile.ZipInfo, seen: set[str]) -> None:
    raw, name = info.orig_filename, info.filename
    segments = name.rstrip("/").split("/")
    if (
        "\x00" in raw
        or "\\" in raw
        or name.startswith("/")
        or DRIVE_RE.match(name)
        or any(s in ("", ".", "..") for s in segments)
    ):
        raise error(
            _("The package contains an unsafe file path: %(name)s"),
            "unsafe_path",
            name=raw[:200],
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise error(
            _("The package contains a symbolic link: %(name)s"), "symlink", name=name
        )
    if info.flag_bits & 0x1:
        raise error(
            _("The package contains an encrypted file: %(name)s"),
            "encrypted",
            name=name,
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise error(
            _("The package uses an unsupported compression method: %(name)s"),
            "compression",
            name=name,
        )
    if name in seen:
        raise error(
            _("The package holds the file %(name)s twice."), "duplicate", name=name
        )
    seen.add(name)


def _check_extension(info: zipfile.ZipInfo, parts: list[str]) -> None:
    base = parts[-1]
    extension = base.rsplit(".", 1)[1].lower() if "." in base else ""
    allowed = CONTENT_EXTENSIONS
    if len(parts) > 1 and parts[0] != "content":
        allowed = CONTENT_EXTENSIONS | LIBRARY_EXTRA_EXTENSIONS
    if extension not in allowed:
        raise error(
            _("Files of this type are not allowed in an H5P package: %(name)s"),
            "file_type",
            name=info.filename,
        )


def check_ratio(size: int, compressed: int, lim: Limits) -> None:
    if size > RATIO_CHECK_MIN_BYTES and size > lim.compression_ratio * max(
        compressed, 1
    ):
        raise error(
            _(
                "The package is compressed more than %(ratio)s to 1, like a zip "
                "bomb; it is refused."
            ),
            "compression_ratio",
            ratio=lim.compression_ratio,
        )


def too_large_unpacked(lim: Limits) -> ValidationError:
    return error(
        _("Unpacked, the package would be larger than %(limit)s."),
        "unpacked_too_large",
        limit=filesizeformat(lim.unpacked_bytes),
    )
