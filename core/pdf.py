"""PDFs of the site (certificates, transcripts): HTML laid out by xhtml2pdf
with the TrueType fonts of settings.PDF_FONTS (core.fonts), Chinese in the CJK
font and runs of Yi (Nuosu) characters in the Yi font. The renderer reads only
the font folders and MEDIA_ROOT and never the network. What a document looks
like stays with its app (certificates.pdf, reports.pdf)."""

import re
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .fonts import font_problems

# Yi Syllables and Yi Radicals; a run keeps the spaces between its words.
YI_RUN = re.compile(r"[\uA000-\uA4CF]+(?:\s+[\uA000-\uA4CF]+)*")


class PdfFontMissing(RuntimeError):
    """A font for PDFs is missing: the PDF would show boxes."""


class PdfResourceRefused(ValueError):
    """The HTML asked for a file outside the allowed folders."""


def require_fonts() -> None:
    """Raise PdfFontMissing naming the file and its Debian package."""
    problems = font_problems()
    if problems:
        raise PdfFontMissing(" ".join(message for _key, message in problems))


def scripts_html(text: str) -> SafeString:
    """Escaped HTML with runs of Yi characters in the Yi font (class "yi");
    xhtml2pdf takes each glyph from the one font of its run."""
    html = YI_RUN.sub(lambda m: f'<span class="yi">{m[0]}</span>', str(escape(text)))
    return mark_safe(html)


def allowed_roots() -> tuple[Path, ...]:
    """The folders the renderer may read: the fonts' and MEDIA_ROOT."""
    fonts = {Path(path).resolve().parent for path in settings.PDF_FONTS.values()}
    return (*sorted(fonts), Path(settings.MEDIA_ROOT).resolve())


def link_callback(uri: str, rel: str | None = None) -> str:
    """Map a resource to a local file under the font folders or MEDIA_ROOT;
    anything else (network, other files) is refused with PdfResourceRefused."""
    if uri.startswith("data:"):
        return uri
    parts = urlsplit(uri)
    if parts.scheme not in ("", "file") or parts.netloc:
        raise PdfResourceRefused(uri)
    media_url = settings.MEDIA_URL
    path_text = unquote(parts.path)
    if media_url and path_text.startswith(media_url):
        path = Path(settings.MEDIA_ROOT) / path_text[len(media_url) :]
    else:
        path = Path(path_text)
    path = path.resolve()
    if not any(path.is_relative_to(root) for root in allowed_roots()):
        raise PdfResourceRefused(uri)
    return str(path)


@cache
def resource_policy(roots: tuple[Path, ...]):
    """xhtml2pdf's fetcher policy for `roots`; it holds even where xhtml2pdf
    skips link_callback (0.2.28 reads only the working directory without it)."""
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(
        base_dir=None, extra_roots=roots, allow_remote=False
    )


# xhtml2pdf and reportlab keep fonts and configuration in module globals:
# one document at a time per process (the web's threads, the worker's).
_LAYOUT = threading.Lock()


def html_to_pdf(html: str) -> bytes:
    """The HTML laid out by xhtml2pdf with the fonts of settings.PDF_FONTS,
    reading nothing but the font folders and MEDIA_ROOT. Raises
    PdfFontMissing without the fonts. xhtml2pdf is imported here, on first
    use: a process that makes no PDF never loads it."""
    from xhtml2pdf import pisa

    require_fonts()
    with _LAYOUT:
        return pisa.pisaDocument(
            html,
            dest_bytes=True,
            encoding="utf-8",
            link_callback=link_callback,
            resource_policy=resource_policy(allowed_roots()),
        )
