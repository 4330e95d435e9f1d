"""The system check that certificate PDFs have their TrueType fonts."""

import pytest
from django.core.checks import run_checks

from certificates.checks import check_pdf_fonts


def certificate_errors():
    """What `manage.py check` reports for the certificates app."""
    return [e for e in run_checks() if e.id.startswith("certificates.")]


def test_no_errors_when_the_configured_fonts_are_present():
    assert check_pdf_fonts() == []
    assert certificate_errors() == []


@pytest.mark.parametrize(
    ("key", "check_id", "package"),
    [
        ("cjk", "certificates.E001", "fonts-wqy-microhei"),
        ("yi", "certificates.E002", "fonts-sil-nuosusil"),
    ],
)
def test_missing_font_is_an_error_naming_the_debian_package(
    settings, tmp_path, key, check_id, package
):
    missing = str(tmp_path / "missing.ttf")
    settings.PDF_FONTS = {**settings.PDF_FONTS, key: missing}

    errors = certificate_errors()

    assert [e.id for e in errors] == [check_id]
    assert missing in errors[0].msg
    assert package in errors[0].msg
    assert package in errors[0].hint


def test_cff_font_is_an_error_because_xhtml2pdf_cannot_embed_it(settings, tmp_path):
    otf = tmp_path / "NotoSansCJK-Regular.otf"
    otf.write_bytes(b"OTTO" + bytes(60))
    settings.PDF_FONTS = {**settings.PDF_FONTS, "cjk": str(otf)}

    errors = check_pdf_fonts()

    assert [e.id for e in errors] == ["certificates.E001"]
    assert "not a TrueType font" in errors[0].msg


def test_both_fonts_missing_gives_both_errors(settings, tmp_path):
    settings.PDF_FONTS = {}

    assert [e.id for e in check_pdf_fonts()] == [
        "certificates.E001",
        "certificates.E002",
    ]
