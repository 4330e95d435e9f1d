"""core.pdf: the Chinese and Yi fonts, Yi runs, and nothing read but the
font folders and MEDIA_ROOT."""

import pytest

from core.fonts import font_problems
from core.pdf import (
    PdfFontMissing,
    PdfResourceRefused,
    html_to_pdf,
    link_callback,
    scripts_html,
)


def test_yi_runs_are_marked_and_everything_is_escaped():
    html = scripts_html("沙马 ꀊꁨ ꃀꑭ <b>")

    assert html == '沙马 <span class="yi">ꀊꁨ ꃀꑭ</span> &lt;b&gt;'


def test_a_font_that_is_not_truetype_is_a_problem(settings, tmp_path):
    otf = tmp_path / "font.otf"
    otf.write_bytes(b"OTTO" + b"\0" * 10)
    settings.PDF_FONTS = {**settings.PDF_FONTS, "yi": str(otf)}

    assert [key for key, _message in font_problems()] == ["yi"]
    with pytest.raises(PdfFontMissing, match="fonts-sil-nuosusil"):
        html_to_pdf("<p>x</p>")


def test_resources_outside_the_allowed_folders_are_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    assert link_callback("/media/a.png") == str(tmp_path / "a.png")
    assert link_callback("data:image/png;base64,AA==").startswith("data:")
    for uri in ("/etc/hostname", "https://example.org/a.png"):
        with pytest.raises(PdfResourceRefused):
            link_callback(uri)


@pytest.mark.skipif(bool(font_problems()), reason="needs the PDF fonts")
def test_html_with_chinese_and_yi_becomes_a_pdf(settings):
    fonts = settings.PDF_FONTS
    html = (
        "<html><head><style>"
        f"@font-face {{ font-family: cjk; src: url('{fonts['cjk']}'); }}"
        f"@font-face {{ font-family: yi; src: url('{fonts['yi']}'); }}"
        "body { font-family: cjk; } .yi { font-family: yi; }"
        f"</style></head><body><p>{scripts_html('证书 ꀊꁨꃀꑭ')}</p></body></html>"
    )

    assert html_to_pdf(html).startswith(b"%PDF")
