"""Certificate PDFs: templates/certificates/pdf/certificate.html laid out on one
A4 page by core.pdf (xhtml2pdf with the Chinese and Yi fonts, reading only the
font folders and MEDIA_ROOT)."""

import base64
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from core.pdf import html_to_pdf, scripts_html

TEMPLATE_NAME = "certificates/pdf/certificate.html"

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
            "title": _spaced_title(template.title),
            "paragraphs": _paragraphs(fill_placeholders(template.body, values)),
            "issuer": scripts_html(template.issuer_name),
            "signatory_name": scripts_html(template.signatory_name),
            "signatory_title": scripts_html(template.signatory_title),
            "issued_on": issued_on,
            "serial": facts.serial,
            "verification_url": url,
            "qr": _qr_data_uri(url),
            "frame": "" if template.background else _frame_svg(template.orientation),
            "seal_area": _SEAL_AREA_SVG,
            "background": _image_path(template.background, "max-1200x1200"),
            "seal": _image_path(template.seal, "max-300x300"),
            "signature": _image_path(template.signature, "max-300x300"),
        }
        return render_to_string(TEMPLATE_NAME, context)


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """The body with its {placeholders} filled. Unknown ones stay as written
    and stray braces never fail a certificate. Not str.format_map: a body
    written in the admin could reach attributes through it, as in
    {holder_name.__class__...}, and print what it finds on the certificate."""
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), body)


def _hours(hours) -> str:
    """40.0 -> "40", 12.5 -> "12.5": certificates do not print a bare ".0"."""
    text = f"{Decimal(hours):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _spaced_title(title: str) -> SafeString:
    """A short title is set with an en space between its characters, as
    Chinese certificates are; CSS letter-spacing would put it off-centre."""
    if len(title) <= 6 and not any(char.isspace() for char in title):
        title = "\u2002".join(title)
    return scripts_html(title)


def _paragraphs(text: str) -> list[dict]:
    """One paragraph per line. xhtml2pdf's CJK line breaking drops <br>, and a
    line typed with leading (often ideographic) spaces is an indented one."""
    return [
        {"html": scripts_html(line.strip()), "indent": line[:1].isspace()}
        for line in text.splitlines()
        if line.strip()
    ]


def _qr_data_uri(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.png_data_uri(scale=4, border=2, dark="#3a2a1a")


@cache
def _frame_svg(orientation: str) -> str:
    """A red rule and a gold hairline round the page, with corner brackets."""
    w, h = (297, 210) if orientation == "landscape" else (210, 297)
    o, i, c = 8, 10.5, 9  # outer rule, inner hairline, corner bracket length
    corners = "".join(
        f'<path d="M{x} {y + sy * c} V{y} H{x + sx * c}" />'
        for x, y, sx, sy in (
            (i + 2, i + 2, 1, 1),
            (w - i - 2, i + 2, -1, 1),
            (i + 2, h - i - 2, 1, -1),
            (w - i - 2, h - i - 2, -1, -1),
        )
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" '
        f'viewBox="0 0 {w} {h}">'
        f'<rect x="{o}" y="{o}" width="{w - 2 * o}" height="{h - 2 * o}" '
        'fill="none" stroke="#9b2c22" stroke-width="1.2" />'
        f'<rect x="{i}" y="{i}" width="{w - 2 * i}" height="{h - 2 * i}" '
        'fill="none" stroke="#b8893b" stroke-width="0.3" />'
        f'<g fill="none" stroke="#b8893b" stroke-width="0.6">{corners}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# Where the seal is stamped when the template has no seal image: two red rings.
_SEAL_AREA_SVG = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="40mm" '
    b'viewBox="0 0 40 40"><g fill="none" stroke="#c0392b" opacity="0.75">'
    b'<circle cx="20" cy="20" r="19" stroke-width="0.9" />'
    b'<circle cx="20" cy="20" r="17.6" stroke-width="0.25" '
    b'stroke-dasharray="1.2 0.8" /></g></svg>'
).decode("ascii")


def _image_path(image, spec: str) -> str:
    if image is None:
        return ""
    return image.get_rendition(spec).file.path


def _render(template, facts: CertificateFacts) -> bytes:
    return html_to_pdf(certificate_html(template, facts))
