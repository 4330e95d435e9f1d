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
import io
import json
import mimetypes
import os
import posixpath
import re
import tempfile
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from django.conf import settings

from .metadata import LIBRARY_FOLDER_RE, parse_dependencies
from .storage import content_root, h5p_root, libraries_root, library_dir

# Files a CSS url() names are inlined up to these sizes; bigger ones stay
# links to the versioned library folder (reachable online only).
INLINE_FONT_BYTES = 256 * 1024
INLINE_IMAGE_BYTES = 32 * 1024
# Icon fonts bigger than this are cut down to the glyphs the CSS shows.
SUBSET_MIN_BYTES = 8 * 1024
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
# Fonts of H5P's editor and hub, which the player never shows.
EDITOR_FONTS = ("h5p-hub-publish",)
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
    js_parts, css_parts, sheets = [], [], []
    for folder in order:
        meta = _library_json(folder)
        for entry in meta.get("preloadedJs", []):
            path = library_dir(folder) / entry["path"]
            code = rjsmin.jsmin(_read_text(path), keep_bang_comments=True)
            js_parts.append(f"/*! {folder}/{entry['path']} */\n{code}")
        for entry in meta.get("preloadedCss", []):
            path = library_dir(folder) / entry["path"]
            sheets.append(
                (folder, entry["path"], _without_text_fonts(_read_text(path)))
            )
    # The icon glyphs the package's CSS shows: its icon fonts are cut down to
    # those (the whole font stays reachable for the rest).
    used = content_codepoints("\n".join(css for _f, _p, css in sheets))
    css_parts.append(_core_css(used))
    for folder, name, css in sheets:
        css_parts.append(
            f"/*! {folder}/{name} */\n"
            + _inline_urls(css, folder, posixpath.dirname(name), versions, used)
        )
    return {
        "js": _write_asset("\n;\n".join(js_parts), "js"),
        "css": _write_asset(_minified_css("\n".join(css_parts)), "css"),
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


def _core_css(used: set[int]) -> str:
    """h5p-standalone's player CSS with its text fonts dropped and its icon
    fonts cut down to the glyphs the package's libraries show (the player's
    own icons come from the whole font, by URL, when one is shown), plus the
    frame's own rules."""
    path = core_dist() / "styles" / "h5p.css"
    css = _without_text_fonts(_read_text(path))

    def link(url):
        target = posixpath.normpath(posixpath.join("styles", url.split("#")[0]))
        if target.startswith("../"):
            return None
        return f"{settings.STATIC_URL}h5p-standalone/{target}"

    css = _inline_css_files(css, path.parent, link, core_dist(), used)
    return f"{css}\n{FRAME_CSS}"


def _minified_css(css: str) -> str:
    return rcssmin.cssmin(css, keep_bang_comments=True)


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
    return bool(match and match.group(2).strip() in (*TEXT_FONTS, *EDITOR_FONTS))


def _inline_urls(
    css: str, folder: str, css_dir: str, versions: dict, used: set[int] | None = None
) -> str:
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
    return _inline_css_files(css, base, link, libraries_root(), used)


def _inline_css_files(
    css: str, base: Path, link, boundary: Path, used: set[int] | None = None
) -> str:
    def font_face(match):
        rule = match.group(0)
        urls = [u for _q, u in URL_RE.findall(rule)]
        body = re.sub(r"\bsrc\s*:[^;}]*;?", "", rule[rule.index("{") + 1 : -1])
        body = body.strip().rstrip(";")
        for suffix in (".woff2", ".woff"):
            chosen = next((u for u in urls if _suffix(u) == suffix), None)
            data = chosen and _file_bytes(base, chosen, INLINE_FONT_BYTES, boundary)
            if not data:
                continue
            fmt = suffix.lstrip(".")
            if used is not None and len(data) > SUBSET_MIN_BYTES:
                subset = subset_font(data, used)
                if subset is not None:
                    return _subset_faces(body, subset, link(chosen), fmt)
            # One source, the smallest format every phone reads.
            uri = _data_uri_of(data, FONT_TYPES[suffix])
            return f"@font-face{{{body};src:url({uri}) format('{fmt}')}}"
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
    data = _file_bytes(base, url, limit, boundary)
    if data is None:
        return None
    suffix = posixpath.splitext(relative)[1].lower()
    kind = FONT_TYPES.get(suffix) or (
        mimetypes.guess_type(relative)[0] or "application/octet-stream"
    )
    return _data_uri_of(data, kind)


def _data_uri_of(data: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _file_bytes(base: Path, url: str, limit: int, boundary: Path) -> bytes | None:
    relative = url.split("#")[0].split("?")[0]
    try:
        path = (base / relative).resolve()
        if not path.is_relative_to(boundary.resolve()):
            return None
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None


# Icon fonts ----------------------------------------------------------------

CONTENT_RE = re.compile(r"""\bcontent\s*:\s*(["'])((?:\\.|(?!\1).)*)\1""", re.DOTALL)
CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)


def content_codepoints(css: str) -> set[int]:
    """Every character the `content:` strings of `css` show."""
    found: set[int] = set()
    for _quote, value in CONTENT_RE.findall(css):
        text = CSS_ESCAPE_RE.sub(
            lambda m: chr(min(int(m[1], 16), 0x10FFFF)) if m[1] else m[2], value
        )
        found.update(ord(c) for c in text)
    return found


def subset_font(data: bytes, used: set[int]) -> tuple[bytes, set[int]] | None:
    """A woff2 of the glyphs of `used` the font has, and those codepoints;
    (b"", set()) if it has none of them; None if it cannot be read as a font
    (then it is used whole)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data))
        present = set(font.getBestCmap() or {}) & used
        if not present:
            return b"", set()
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(unicodes=present)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff2"
        font.save(out)
    # Uploaded bytes that fontTools cannot read fail in many ways of its own
    # (struct, assertion, key, its TTLibError): any means "not a usable font".
    except Exception:  # noqa: BLE001
        return None
    return out.getvalue(), present


def _subset_faces(body: str, subset, full_url: str | None, fmt: str) -> str:
    """The font whole, by URL (fetched only if a glyph outside the subset is
    shown), and after it the subset inlined for the glyphs the CSS uses: the
    browser takes the last face whose unicode-range holds a character."""
    data, present = subset
    faces = []
    if full_url:
        faces.append(f"@font-face{{{body};src:url(\"{full_url}\") format('{fmt}')}}")
    if present:
        uri = _data_uri_of(data, FONT_TYPES[".woff2"])
        faces.append(
            f"@font-face{{{body};src:url({uri}) format('woff2');"
            f"unicode-range:{_unicode_range(present)}}}"
        )
    return "".join(faces)


def _unicode_range(points: set[int]) -> str:
    ranges, ordered = [], sorted(points)
    start = previous = ordered[0]
    for point in ordered[1:] + [None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        ranges.append(
            f"U+{start:X}" if start == previous else f"U+{start:X}-{previous:X}"
        )
        if point is not None:
            start = previous = point
    return ",".join(ranges)


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
