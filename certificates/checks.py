"""System checks: certificate PDFs need the TrueType fonts in settings.PDF_FONTS.
Kept free of xhtml2pdf so that every manage.py command can run them cheaply."""

from django.conf import settings
from django.core.checks import Error

# The Debian package that ships each font, and the check id when it is missing.
FONT_PACKAGES = {"cjk": "fonts-wqy-microhei", "yi": "fonts-sil-nuosusil"}
FONT_CHECK_IDS = {"cjk": "certificates.E001", "yi": "certificates.E002"}
FONT_SETTINGS = {"cjk": "PDF_FONT_CJK", "yi": "PDF_FONT_YI"}


def font_problems() -> list[tuple[str, str]]:
    """(font key, message) for each PDF font that cannot be used: not
    configured, missing, unreadable, or not TrueType (xhtml2pdf cannot embed
    CFF outlines, e.g. .otf or the Noto CJK collections)."""
    fonts = getattr(settings, "PDF_FONTS", {})
    problems = []
    for key, package in FONT_PACKAGES.items():
        path = fonts.get(key)
        try:
            with open(path or "", "rb") as font:
                header = font.read(4)
        except OSError:
            problems.append(
                (key, f"PDF font file {path!r} ({key}) is missing: install {package}.")
            )
            continue
        # TrueType outlines: 0x00010000 or "true"; "ttcf" is a collection
        # (subfont 0 is used), "OTTO" is CFF, which xhtml2pdf cannot embed.
        if header not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
            problems.append(
                (
                    key,
                    f"PDF font file {path!r} ({key}) is not a TrueType font, "
                    f"which xhtml2pdf needs: install {package}.",
                )
            )
    return problems


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
