"""The transcript (学习档案) as an A4 PDF, laid out by core.pdf (the Chinese and
Yi fonts, the resource policy)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

TEMPLATE_NAME = "reports/pdf/transcript.html"


def transcript_pdf(record) -> bytes:
    from core.pdf import html_to_pdf

    # A transcript is a Chinese document, whoever prints it.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            TEMPLATE_NAME,
            {"t": record, "fonts": settings.PDF_FONTS, "printed_on": timezone.now()},
        )
    return html_to_pdf(html)
