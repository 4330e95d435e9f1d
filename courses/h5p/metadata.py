"""The JSON inside an .h5p file: h5p.json, content/content.json and each
library's library.json, read with limits, parsed into LibraryRef/LibraryMeta,
and the content's dependencies resolved against the package's own libraries.
Used by validation (at upload) and storage (libraries already installed).

Every failure raises django.core.exceptions.ValidationError with a translated
message and a `code` naming the rule."""

import json
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MACHINE_NAME_RE = re.compile(r"[A-Za-z][\w.-]{0,126}", re.ASCII)
LIBRARY_FOLDER_RE = re.compile(r"(?P<name>[A-Za-z][\w.-]{0,126})-\d+\.\d+", re.ASCII)
VERSION_RE = re.compile(r"\d{1,5}", re.ASCII)
# h5p.json, content.json and library.json are read whole into memory.
JSON_MAX_BYTES = 16 * 1024 * 1024


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


def error(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def top_folder(member: zipfile.ZipInfo) -> str | None:
    """The top-level folder an entry lies in, or None for a top-level file."""
    top, sep, _rest = member.filename.partition("/")
    return top if sep else None


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def loads_json(text: str | bytes):
    """JSON as RFC 8259 has it: Python's reader also takes NaN and
    Infinity, which PostgreSQL's jsonb refuses (a server error on saving).
    Raises ValueError for those as for any other invalid JSON."""
    return json.loads(text, parse_constant=_not_json)


def read_json(archive: zipfile.ZipFile, name: str):
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


def parse_h5p_json(data) -> tuple[str, str, tuple[LibraryRef, ...]]:
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


def package_libraries(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> dict[LibraryRef, LibraryMeta]:
    folders: dict[str, list[zipfile.ZipInfo]] = {}
    for member in members:
        top = top_folder(member)
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
    data = read_json(archive, source)
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


def resolve_dependencies(
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
