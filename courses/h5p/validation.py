"""Validation of uploaded .h5p files, before anything is stored.

An .h5p file is a zip holding `h5p.json`, `content/content.json` (plus the
content's media under `content/`) and one top-level folder per library,
named `<machineName>-<major>.<minor>` and holding `library.json`. Reading the
zip's directory and its JSON files is cheap, so the whole structure is checked
at upload time; `ByteBudget` enforces the size limits again on the bytes that
are actually extracted (storage.ByteBudget), because a zip's declared sizes
can lie.

Every failure raises django.core.exceptions.ValidationError with a translated
message and a `code` naming the rule.
"""

import json
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# H5P core's default content whitelist (H5PCore::$defaultContentWhitelist).
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 "
    "m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch "
    "swf md textile vtt webvtt gltf glb".split()
)
# H5PCore::$defaultLibraryWhitelistExtras: allowed inside library folders only.
LIBRARY_EXTRA_EXTENSIONS = frozenset({"js", "css"})

MACHINE_NAME_RE = re.compile(r"[A-Za-z][\w.-]{0,126}", re.ASCII)
LIBRARY_FOLDER_RE = re.compile(r"(?P<name>[A-Za-z][\w.-]{0,126})-\d+\.\d+", re.ASCII)
VERSION_RE = re.compile(r"\d{1,5}", re.ASCII)
DRIVE_RE = re.compile(r"[A-Za-z]:")

# Compression ratios are only judged on entries (and archives) larger than
# this: tiny files of repeated characters compress far better than 100:1.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
# h5p.json, content.json and library.json are read whole into memory.
JSON_MAX_BYTES = 16 * 1024 * 1024


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


class LibraryRef(NamedTuple):
    """A library as H5P refers to it: machine name, major and minor version."""

    machine_name: str
    major: int
    minor: int

    def __str__(self):
        return f"{self.machine_name} {self.major}.{self.minor}"

    @property
    def folder_name(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


@dataclass(frozen=True)
class LibraryMeta:
    """A library folder found in a package, with its validated library.json."""

    ref: LibraryRef
    patch: int
    title: str
    dependencies: tuple[LibraryRef, ...]
    members: tuple[zipfile.ZipInfo, ...]


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


def error(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


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
        h5p_json = _read_json(archive, "h5p.json")
        title, main_library, dependencies = _parse_h5p_json(h5p_json)
        _read_json(archive, "content/content.json")
        package_libraries = _package_libraries(archive, members)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise error(_("The zip archive is damaged."), "damaged_zip") from None
    needed, installed = _resolve_dependencies(dependencies, package_libraries)
    content = tuple(
        m for m in members if m.filename == "h5p.json" or _top(m) == "content"
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


def _top(member: zipfile.ZipInfo) -> str | None:
    """The top-level folder an entry lies in, or None for a top-level file."""
    top, sep, _rest = member.filename.partition("/")
    return top if sep else None


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


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def loads_json(text: str | bytes):
    """JSON as RFC 8259 has it: Python's reader also takes NaN and
    Infinity, which PostgreSQL's jsonb refuses (a server error on saving).
    Raises ValueError for those as for any other invalid JSON."""
    return json.loads(text, parse_constant=_not_json)


def _read_json(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise error(
            _("The package has no %(name)s."), "missing_file", name=name
        ) from None
    invalid = error(
        _("%(name)s is not valid JSON in UTF-8."), "invalid_json", name=name
    )
    if info.file_size > JSON_MAX_BYTES:
        raise invalid
    with archive.open(info) as handle:
        raw = handle.read(JSON_MAX_BYTES + 1)
    try:
        return loads_json(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid from None


def _parse_h5p_json(data) -> tuple[str, str, tuple[LibraryRef, ...]]:
    if not isinstance(data, dict):
        raise error(
            _("%(name)s is not valid JSON in UTF-8."), "invalid_json", name="h5p.json"
        )
    for key in ("title", "mainLibrary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _missing_key("h5p.json", key)
    dependencies = data.get("preloadedDependencies")
    if not isinstance(dependencies, list) or not dependencies:
        raise _missing_key("h5p.json", "preloadedDependencies")
    refs = tuple(_parse_ref(d, "h5p.json") for d in dependencies)
    main_library = data["mainLibrary"].strip()
    if main_library not in {ref.machine_name for ref in refs}:
        raise error(
            _("The main library %(library)s is not among the package's dependencies."),
            "main_library_not_a_dependency",
            library=main_library,
        )
    return data["title"].strip(), main_library, refs


def _missing_key(source: str, key: str) -> ValidationError:
    return error(
        _("%(source)s lacks “%(key)s” or it is empty."),
        "missing_key",
        source=source,
        key=key,
    )


def _version(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value < 100_000:
        return value
    if isinstance(value, str) and VERSION_RE.fullmatch(value):
        return int(value)
    return None


def _parse_ref(value, source: str) -> LibraryRef:
    """A {machineName, majorVersion, minorVersion} mapping as a LibraryRef."""
    if isinstance(value, dict):
        name = value.get("machineName")
        major = _version(value.get("majorVersion"))
        minor = _version(value.get("minorVersion"))
        if (
            isinstance(name, str)
            and MACHINE_NAME_RE.fullmatch(name)
            and None not in (major, minor)
        ):
            return LibraryRef(name, major, minor)
    raise error(
        _("%(source)s names a library without a valid machine name and version."),
        "invalid_library_reference",
        source=source,
    )


def _package_libraries(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> dict[LibraryRef, LibraryMeta]:
    folders: dict[str, list[zipfile.ZipInfo]] = {}
    for member in members:
        top = _top(member)
        if top is not None and top != "content":
            folders.setdefault(top, []).append(member)
    libraries = {}
    for folder, folder_members in sorted(folders.items()):
        meta = _parse_library(archive, folder, folder_members)
        libraries[meta.ref] = meta
    return libraries


def _parse_library(
    archive: zipfile.ZipFile, folder: str, members: list[zipfile.ZipInfo]
) -> LibraryMeta:
    if not LIBRARY_FOLDER_RE.fullmatch(folder):
        raise error(
            _(
                "The folder %(folder)s is not a library: library folders are "
                "named machineName-major.minor."
            ),
            "not_a_library_folder",
            folder=folder,
        )
    source = f"{folder}/library.json"
    data = _read_json(archive, source)
    ref = _parse_ref(data, source)
    if ref.folder_name != folder:
        raise error(
            _("The folder %(folder)s holds the library %(library)s."),
            "library_folder_mismatch",
            folder=folder,
            library=str(ref),
        )
    files = {m.filename[len(folder) + 1 :] for m in members}
    for key in ("preloadedJs", "preloadedCss"):
        _check_preloaded_paths(data.get(key, []), files, source, key)
    dependencies = data.get("preloadedDependencies", [])
    if not isinstance(dependencies, list):
        raise _missing_key(source, "preloadedDependencies")
    title = data.get("title")
    return LibraryMeta(
        ref=ref,
        patch=_version(data.get("patchVersion", 0)) or 0,
        title=title.strip()[:255] if isinstance(title, str) else "",
        dependencies=tuple(_parse_ref(d, source) for d in dependencies),
        members=tuple(members),
    )


def _check_preloaded_paths(entries, files: set[str], source: str, key: str) -> None:
    if not isinstance(entries, list):
        raise _missing_key(source, key)
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        normal = posixpath.normpath(path) if isinstance(path, str) and path else ""
        if normal not in files:
            raise error(
                _("%(source)s lists %(path)s, which is not in the package."),
                "library_file_missing",
                source=source,
                path=str(path)[:200],
            )


def _resolve_dependencies(
    dependencies: Iterable[LibraryRef], package_libraries: dict[LibraryRef, LibraryMeta]
) -> tuple[dict[LibraryRef, LibraryMeta], tuple[LibraryRef, ...]]:
    """Walk the dependencies transitively. Each must be in the package or
    installed (a library row and its folder on disk)."""
    from courses.h5p import storage

    installed_rows = storage.installed_library_refs()
    needed: dict[LibraryRef, LibraryMeta] = {}
    installed: list[LibraryRef] = []
    missing: list[LibraryRef] = []
    stack, seen = list(dependencies), set()
    while stack:
        ref = stack.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref in package_libraries:
            needed[ref] = package_libraries[ref]
            stack.extend(needed[ref].dependencies)
        elif ref in installed_rows and storage.is_library_on_disk(ref.folder_name):
            installed.append(ref)
            stack.extend(storage.installed_library_dependencies(ref.folder_name))
        else:
            missing.append(ref)
    if missing:
        raise error(
            _(
                "The package needs libraries that are neither in it nor installed: "
                "%(libraries)s."
            ),
            "missing_dependency",
            libraries=", ".join(sorted(str(ref) for ref in missing)),
        )
    return needed, tuple(installed)


def parse_dependencies(data) -> list[LibraryRef]:
    """The valid preloadedDependencies of an installed library.json; invalid
    ones are skipped (the library was validated when it was installed)."""
    refs = []
    entries = data.get("preloadedDependencies") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            refs.append(_parse_ref(entry, "library.json"))
        except ValidationError:
            continue
    return refs
