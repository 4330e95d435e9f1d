"""The TrueType fonts PDFs need (settings.PDF_FONTS): Chinese in the CJK font,
Yi (Nuosu) in the Yi font. Kept free of xhtml2pdf so that system checks can
run it cheaply (certificates.checks)."""

from django.conf import settings

# The Debian package that ships each font, and the setting that overrides it.
FONT_PACKAGES = {"cjk": "fonts-wqy-microhei", "yi": "fonts-sil-nuosusil"}
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
