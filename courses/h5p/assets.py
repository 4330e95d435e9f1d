"""Each ready package's player assets, built once when it is installed (as
H5P's own core does with its "aggregate assets" option): the JavaScript of
all its libraries in dependency order in one file, and their CSS with the
player's core CSS in another, each precompressed (gzip and brotli) and named
by its content hash, so its URL never changes meaning and a phone keeps it for
a year.

The sandboxed player frame cannot use the HTTP cache or the service worker
(an opaque origin), so the lesson page fetches these files itself and hands
them over; anything the CSS points at is therefore inlined (fonts, small
images), and the player theme's text fonts, which hold no Chinese glyphs, are
dropped for the system font stack. The other files of a library stay reachable
under a versioned folder (machineName-major.minor.patch-hash), for the few
content types that load an image by its path.

Layout, in the private storage beside libraries/ and content/:

    h5p/assets/<sha>.js   .js.gz   .js.br
    h5p/assets/<sha>.css  .css.gz  .css.br
    h5p/libraries/<folder>/.hash    the folder's content hash
"""

import base64
import gzip
import hashlib
import json
import mimetypes
import os
import posixpath
import re
import tempfile
from pathlib import Path

import brotli
from django.conf import settings

from .metadata import LIBRARY_FOLDER_RE, parse_dependencies
from .storage import content_root, h5p_root, libraries_root, library_dir

# Files a CSS url() names are inlined up to these sizes; bigger ones stay
# links to the versioned library folder (reachable online only).
INLINE_FONT_BYTES = 256 * 1024
INLINE_IMAGE_BYTES = 32 * 1024
# Content files handed to the player with the page (images, audio); bigger
# ones (videos) are fetched from the network when played.
HANDOVER_MAX_BYTES = 8 * 1024 * 1024
FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}
IMAGE_TYPES = {".png", ".gif", ".jpg", ".jpeg", ".svg", ".webp"}
# The player theme's text fonts: Latin, Cyrillic, Greek; no Chinese or Yi.
# Text fonts content types and themes bring, none with Chinese or Yi glyphs:
# dropped wherever they are declared, for the phone's own fonts.
TEXT_FONTS = (
    "Inter", "Open Sans", "Roboto", "Lato", "Source Sans Pro", "Source Sans 3",
    "Montserrat", "Nunito", "Nunito Sans", "Poppins", "Raleway", "Noto Sans",
)  # fmt: skip
SYSTEM_FONTS = (
    'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", '
    '"Nuosu SIL", sans-serif'
)
# What the frame itself needs around the player: no margins, no scroll bars
# of its own (the lesson page sizes the frame to fit).
FRAME_CSS = (
    "html,body{margin:0;padding:0;overflow:hidden;background:transparent}"
    f"body{{font-family:{SYSTEM_FONTS}}}"
    f":root{{--h5p-theme-font-name:{SYSTEM_FONTS}}}"
)
URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
FONT_FACE_RE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
FAMILY_RE = re.compile(r"""font-family\s*:\s*(['"]?)([^;'"}]+)\1""", re.IGNORECASE)
VERSIONED_RE = re.compile(
    r"(?P<folder>[A-Za-z][\w.-]{0,126}-\d+\.\d+)\.(?P<patch>\d+)-(?P<hash>[0-9a-f]{12})",
    re.ASCII,
)
ASSET_NAME_RE = re.compile(r"[0-9a-f]{24}\.(js|css)", re.ASCII)


def assets_root() -> Path:
    return h5p_root() / "assets"


def core_dist() -> Path:
    """h5p-standalone's dist folder (installed by npm, served as static)."""
    return Path(settings.BASE_DIR) / "node_modules" / "h5p-standalone" / "dist"


# Building ------------------------------------------------------------------


def build(package) -> dict:
    """Write the package's aggregated JS and CSS (if not there already) and
    return what the player needs to know, to be kept in package.assets:
    {"js", "css": file names under assets/; "libraries": {folder: versioned
    folder}; "main": "H5P.Foo 1.2"; "files": [[path, bytes], ...] the
    content files}."""
    order = dependency_order(package.h5p_json)
    versions = {folder: versioned_folder(folder) for folder in order}
    js_parts, css_parts = [], [_core_css()]
    for folder in order:
        meta = _library_json(folder)
        for entry in meta.get("preloadedJs", []):
            path = library_dir(folder) / entry["path"]
            js_parts.append(f"/* {folder}/{entry['path']} */\n{_read_text(path)}")
        for entry in meta.get("preloadedCss", []):
            path = library_dir(folder) / entry["path"]
            css = _without_text_fonts(_read_text(path))
            css_parts.append(
                f"/* {folder}/{entry['path']} */\n"
                + _inline_urls(css, folder, posixpath.dirname(entry["path"]), versions)
            )
    return {
        "js": _write_asset("\n;\n".join(js_parts), "js"),
        "css": _write_asset("\n".join(css_parts), "css"),
        "libraries": versions,
        "main": _main_library(package.h5p_json),
        "files": content_files(package),
    }


def dependency_order(h5p_json: dict) -> list[str]:
    """The library folders a package's content needs, each after the ones it
    depends on (H5P's load order)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(ref, depth=0):
        folder = ref.folder_name
        if folder in seen or depth > 64:
            return
        seen.add(folder)
        for dependency in parse_dependencies(_library_json(folder)):
            visit(dependency, depth + 1)
        order.append(folder)

    for ref in parse_dependencies(h5p_json):
        visit(ref)
    return order


def _library_json(folder: str) -> dict:
    try:
        data = json.loads((library_dir(folder) / "library.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _main_library(h5p_json: dict) -> str:
    main = h5p_json.get("mainLibrary", "")
    for ref in parse_dependencies(h5p_json):
        if ref.machine_name == main:
            return f"{ref.machine_name} {ref.major}.{ref.minor}"
    return main


def versioned_folder(folder: str) -> str:
    """machineName-major.minor.patch-hash for an installed library folder; the
    hash of its files is kept beside them (.hash) once computed."""
    meta = _library_json(folder)
    patch = meta.get("patchVersion", 0)
    return f"{folder}.{patch if isinstance(patch, int) else 0}-{library_hash(folder)}"


def library_hash(folder: str) -> str:
    root = library_dir(folder)
    marker = root / ".hash"
    try:
        return marker.read_text().strip()
    except OSError:
        pass
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("."):
            continue
        digest.update(relative.encode() + b"\0")
        digest.update(path.read_bytes())
    value = digest.hexdigest()[:12]
    _write_atomically(marker, value.encode())
    return value


def content_files(package) -> list[list]:
    """The package's content files (beside content.json), as [path, bytes]."""
    root = content_root(package) / "content"
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative != "content.json" and "/." not in f"/{relative}":
            files.append([relative, path.stat().st_size])
    return files


def content_json(package) -> str:
    """content/content.json as text ("{}" if it cannot be read)."""
    try:
        return (content_root(package) / "content" / "content.json").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return "{}"


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def _core_css() -> str:
    """h5p-standalone's player CSS with its text fonts dropped and its icon
    fonts inlined, plus the frame's own rules."""
    path = core_dist() / "styles" / "h5p.css"
    css = _without_text_fonts(_read_text(path))
    css = _inline_css_files(css, path.parent, lambda url: None, core_dist())
    return f"{css}\n{FRAME_CSS}"


def _without_text_fonts(css: str) -> str:
    """`css` without the @font-face rules of TEXT_FONTS, naming the system
    font stack where it named them."""
    css = FONT_FACE_RE.sub(
        lambda m: "" if _is_text_font(m.group(0)) else m.group(0), css
    )
    for family in TEXT_FONTS:
        css = re.sub(rf"""(['"]){re.escape(family)}\1""", SYSTEM_FONTS, css)
    return css


def _is_text_font(rule: str) -> bool:
    match = FAMILY_RE.search(rule)
    return bool(match and match.group(2).strip() in TEXT_FONTS)


def _inline_urls(css: str, folder: str, css_dir: str, versions: dict) -> str:
    """A library stylesheet's url()s: fonts and small images inlined, other
    files of the library pointed at its versioned folder."""
    base = library_dir(folder) / css_dir

    def link(url):
        target = posixpath.normpath(posixpath.join(css_dir, url))
        if target.startswith("../"):
            # Another library's file: ../H5P.Other-1.0/x.png
            parts = target.split("/")
            while parts and parts[0] == "..":
                parts.pop(0)
            if parts and parts[0] in versions:
                return _library_url(versions[parts[0]], "/".join(parts[1:]))
            return None
        return _library_url(versions[folder], target)

    # Any installed library's file may be inlined (they are all public);
    # nothing outside them is read.
    return _inline_css_files(css, base, link, libraries_root())


def _inline_css_files(css: str, base: Path, link, boundary: Path) -> str:
    def font_face(match):
        rule = match.group(0)
        urls = [u for _q, u in URL_RE.findall(rule)]
        for suffix in (".woff2", ".woff"):
            chosen = next((u for u in urls if _suffix(u) == suffix), None)
            data = chosen and _data_uri(base, chosen, INLINE_FONT_BYTES, boundary)
            if data:
                # One source, the smallest format every phone reads.
                body = re.sub(r"\bsrc\s*:[^;}]*;?", "", rule[rule.index("{") + 1 : -1])
                body = body.strip().rstrip(";")
                fmt = suffix.lstrip(".")
                return f"@font-face{{{body};src:url({data}) format('{fmt}')}}"
        return _rewrite_urls(rule, base, link, boundary)

    css = FONT_FACE_RE.sub(font_face, css)
    return _rewrite_urls(css, base, link, boundary, skip_font_faces=True)


def _rewrite_urls(
    css: str, base: Path, link, boundary: Path, skip_font_faces=False
) -> str:
    def one(match):
        url = match.group(2).strip()
        if re.match(r"^(data:|[a-z][a-z0-9+.-]*://|#|/)", url, re.IGNORECASE):
            return match.group(0)
        if _suffix(url) in IMAGE_TYPES:
            data = _data_uri(base, url, INLINE_IMAGE_BYTES, boundary)
            if data:
                return f"url({data})"
        if _suffix(url) in FONT_TYPES:
            data = _data_uri(base, url, INLINE_FONT_BYTES, boundary)
            if data:
                return f"url({data})"
        target = link(url.split("#")[0].split("?")[0])
        return f'url("{target}")' if target else match.group(0)

    if not skip_font_faces:
        return URL_RE.sub(one, css)
    pieces, last = [], 0
    for face in FONT_FACE_RE.finditer(css):
        pieces.append(URL_RE.sub(one, css[last : face.start()]))
        pieces.append(face.group(0))
        last = face.end()
    pieces.append(URL_RE.sub(one, css[last:]))
    return "".join(pieces)


def _suffix(url: str) -> str:
    return posixpath.splitext(url.split("#")[0].split("?")[0])[1].lower()


def _data_uri(base: Path, url: str, limit: int, boundary: Path) -> str | None:
    """The file `url` (relative to `base`, inside `boundary`) as a data: URI,
    or None if it is not there or bigger than `limit`."""
    relative = url.split("#")[0].split("?")[0]
    try:
        path = (base / relative).resolve()
        if not path.is_relative_to(boundary.resolve()):
            return None
        if not path.is_file() or path.stat().st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    kind = FONT_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _library_url(versioned: str, path: str) -> str:
    from .embed import content_url

    return content_url(f"/h5p/libraries/{versioned}/{path}")


def _write_asset(text: str, suffix: str) -> str:
    data = text.encode("utf-8")
    name = f"{hashlib.sha256(data).hexdigest()[:24]}.{suffix}"
    target = assets_root() / name
    if not (target.is_file() and Path(f"{target}.br").is_file()):
        assets_root().mkdir(parents=True, exist_ok=True)
        _write_atomically(Path(f"{target}.gz"), gzip.compress(data, 9, mtime=0))
        _write_atomically(Path(f"{target}.br"), brotli.compress(data, quality=11))
        _write_atomically(target, data)
    return name


def _write_atomically(target: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Serving -----------------------------------------------------------------


def asset_file(name: str) -> Path | None:
    """An aggregated asset by its name, or None."""
    if not ASSET_NAME_RE.fullmatch(name):
        return None
    path = assets_root() / name
    return path if path.is_file() else None


def versioned_library_dir(versioned: str) -> Path | None:
    """The folder of an installed library named by its versioned name, if
    that is still its current version and content; else None."""
    match = VERSIONED_RE.fullmatch(versioned)
    if not match or not LIBRARY_FOLDER_RE.fullmatch(match["folder"]):
        return None
    folder = match["folder"]
    try:
        root = library_dir(folder)
        current = (root / ".hash").read_text().strip()
    except (OSError, ValueError):
        return None
    if current != match["hash"]:
        return None
    patch = _library_json(folder).get("patchVersion", 0)
    return root if str(patch) == match["patch"] else None
