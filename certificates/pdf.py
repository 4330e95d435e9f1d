"""Certificate PDFs. xhtml2pdf lays out templates/certificates/pdf/certificate.html
on one A4 page and embeds subsets of the TrueType fonts in settings.PDF_FONTS:
Chinese in the CJK font, runs of Yi (Nuosu) characters in the Yi font. The
renderer reads only the font folders and MEDIA_ROOT and never the network."""

import base64
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape, linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

TEMPLATE_NAME = "certificates/pdf/certificate.html"

# Debian packages that ship the fonts named in settings.PDF_FONTS.
FONT_PACKAGES = {"cjk": "fonts-wqy-microhei", "yi": "fonts-sil-nuosusil"}

# Yi Syllables and Yi Radicals; a run keeps the spaces between its words.
YI_RUN = re.compile(r"[\uA000-\uA4CF]+(?:\s+[\uA000-\uA4CF]+)*")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

SAMPLE = {
    "holder_name": "沙马伍呷 ꀊꁨꃀꑭ",
    "school": "依果觉乡小学校",
    "subject": "种子教师研修",
    "hours": Decimal("40.0"),
    "serial": "LSNU-2021-000123",
    "programme": "乐山师范学院—美姑县洪溪片区“一对一”帮扶项目",
    "verification_code": "sample",
}


class CertificateFontMissing(RuntimeError):
    """A font for certificate PDFs is missing: the PDF would show boxes."""


@dataclass(frozen=True)
class CertificateFacts:
    """What one certificate says, independent of where it came from."""

    holder_name: str
    school: str
    subject: str
    hours: Decimal
    issued_on: datetime.date
    serial: str
    programme: str
    verification_code: str


def font_problems() -> list[tuple[str, str]]:
    """(font key, message) for each configured PDF font that cannot be used:
    missing, unreadable, or not TrueType (xhtml2pdf cannot embed CFF outlines)."""
    problems = []
    for key, path in settings.PDF_FONTS.items():
        package = FONT_PACKAGES.get(key, "a TrueType font package")
        try:
            with open(path, "rb") as font:
                header = font.read(16)
        except OSError:
            problems.append(
                (key, f"PDF font {path!r} ({key}) is missing: install {package}.")
            )
            continue
        if not _is_truetype(header):
            problems.append(
                (
                    key,
                    f"PDF font {path!r} ({key}) is not a TrueType font; "
                    f"xhtml2pdf cannot embed it. Install {package}.",
                )
            )
    return problems


def _is_truetype(header: bytes) -> bool:
    if header[:4] == b"ttcf":
        # A collection: the first font's outlines are what subfont 0 uses, but
        # wqy-microhei and the Noto CJK collections differ already in the tag.
        return True
    return header[:4] in (b"\x00\x01\x00\x00", b"true")


def require_fonts() -> None:
    """Raise CertificateFontMissing naming the file and its Debian package."""
    problems = font_problems()
    if problems:
        raise CertificateFontMissing(" ".join(message for _key, message in problems))


def render_certificate_pdf(certificate) -> bytes:
    """The certificate's PDF: one A4 page in its template's orientation."""
    return _render(certificate.template, facts_for(certificate))


def render_sample_pdf(template) -> bytes:
    """A preview of the template filled with sample data and today's date."""
    facts = CertificateFacts(issued_on=datetime.date.today(), **SAMPLE)
    return _render(template, facts)


def facts_for(certificate) -> CertificateFacts:
    return CertificateFacts(
        holder_name=certificate.holder_name,
        school=certificate.holder_school,
        subject=certificate.subject,
        hours=certificate.hours,
        issued_on=certificate.issued_on,
        serial=certificate.serial,
        programme=_programme_name(certificate),
        verification_code=certificate.verification_code,
    )


def _programme_name(certificate) -> str:
    if certificate.track_id:
        return certificate.track.programme.name
    if certificate.course_id:
        link = certificate.course.track_courses.select_related("track__programme")
        first = link.order_by("pk").first()
        return first.track.programme.name if first else ""
    return ""


def verification_url(code: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/verify/{code}/"


def certificate_html(template, facts: CertificateFacts) -> str:
    """The HTML xhtml2pdf lays out; every text is escaped, Yi runs wrapped."""
    # Certificates are Chinese documents whoever triggers the render.
    with translation.override(settings.LANGUAGE_CODE):
        issued_on = date_format(facts.issued_on, "DATE_FORMAT")
        values = {
            "holder_name": facts.holder_name,
            "school": facts.school,
            "subject": facts.subject,
            "hours": _hours(facts.hours),
            "issued_on": issued_on,
            "serial": facts.serial,
            "programme": facts.programme,
        }
        url = verification_url(facts.verification_code)
        context = {
            "landscape": template.orientation == "landscape",
            "fonts": settings.PDF_FONTS,
            "title": _scripts(template.title),
            "title_spaced": len(template.title) <= 6,
            "body": _scripts(fill_placeholders(template.body, values), lines=True),
            "holder_name": _scripts(facts.holder_name),
            "issuer": _scripts(template.issuer_name),
            "signatory_name": _scripts(template.signatory_name),
            "signatory_title": _scripts(template.signatory_title),
            "issued_on": issued_on,
            "serial": facts.serial,
            "verification_url": url,
            "qr": _qr_data_uri(url),
            "background": _image_path(template.background, "max-1200x1200"),
            "seal": _image_path(template.seal, "max-300x300"),
            "signature": _image_path(template.signature, "max-300x300"),
        }
        return render_to_string(TEMPLATE_NAME, context)


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """The body with {placeholders} filled; unknown ones stay as written and a
    stray brace never fails a certificate."""
    try:
        return body.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        # Lone braces, {0} or {name.attr}: fill what is fillable, keep the rest.
        return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), body)


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _hours(hours) -> str:
    value = Decimal(hours)
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value}"


def _scripts(text: str, *, lines: bool = False) -> SafeString:
    """Escaped HTML with runs of Yi characters in the Yi font."""
    html = str(escape(text))
    html = YI_RUN.sub(lambda m: f'<span class="yi">{m[0]}</span>', html)
    return linebreaksbr(mark_safe(html)) if lines else mark_safe(html)


def _qr_data_uri(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.png_data_uri(scale=4, border=2, dark="#3a2a1a")


def _image_path(image, spec: str) -> str:
    if image is None:
        return ""
    return image.get_rendition(spec).file.path


def _allowed_roots() -> tuple[Path, ...]:
    fonts = {Path(path).resolve().parent for path in settings.PDF_FONTS.values()}
    return (*sorted(fonts), Path(settings.MEDIA_ROOT).resolve())


def _link_callback(uri: str, rel: str | None = None) -> str:
    """Map a resource to a local file under the font folders or MEDIA_ROOT;
    anything else (network, other files) is refused."""
    if uri.startswith("data:"):
        return uri
    parts = urlsplit(uri)
    if parts.scheme not in ("", "file") or parts.netloc:
        raise CertificateResourceRefused(uri)
    media_url = settings.MEDIA_URL
    path_text = unquote(parts.path)
    if media_url and path_text.startswith(media_url):
        path = Path(settings.MEDIA_ROOT) / path_text[len(media_url) :]
    else:
        path = Path(path_text)
    path = path.resolve()
    if not any(path.is_relative_to(root) for root in _allowed_roots()):
        raise CertificateResourceRefused(uri)
    return str(path)


class CertificateResourceRefused(ValueError):
    """The certificate HTML asked for a file outside the allowed folders."""


@cache
def _policy(roots: tuple[Path, ...]) -> ResourceAccessPolicy:
    # The fetcher enforces this even where xhtml2pdf skips link_callback.
    return ResourceAccessPolicy.server(
        base_dir=None, extra_roots=roots, allow_remote=False
    )


def _render(template, facts: CertificateFacts) -> bytes:
    require_fonts()
    html = certificate_html(template, facts)
    result = pisa.pisaDocument(
        html,
        dest_bytes=True,
        encoding="utf-8",
        link_callback=_link_callback,
        resource_policy=_policy(_allowed_roots()),
    )
    return result


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
