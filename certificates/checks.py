"""System checks: certificate PDFs need the TrueType fonts in settings.PDF_FONTS
(core.fonts). Kept free of xhtml2pdf so that every manage.py command can run
them cheaply."""

from django.core.checks import Error

from core.fonts import FONT_PACKAGES, FONT_SETTINGS, font_problems

# The check id when a font is missing.
FONT_CHECK_IDS = {"cjk": "certificates.E001", "yi": "certificates.E002"}


def check_pdf_fonts(app_configs=None, **kwargs) -> list[Error]:
    """certificates.E001 (Chinese) / E002 (Yi): without the font, certificate
    PDFs cannot be rendered."""
    return [
        Error(
            message,
            hint=(
                f"apt-get install {FONT_PACKAGES[key]}, or point the "
                f"{FONT_SETTINGS[key]} environment variable at a TrueType font."
            ),
            obj=f"settings.PDF_FONTS[{key!r}]",
            id=FONT_CHECK_IDS[key],
        )
        for key, message in font_problems()
    ]
