"""Certificate PDFs rendered for real: fonts embedded, Chinese and Yi names
extractable, one A4 page, small, no reads outside the font and media folders."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from pypdf import PdfReader
from wagtail.images import get_image_model

from certificates.models import Certificate
from certificates.pdf import (
    facts_for,
    fill_placeholders,
    render_certificate_pdf,
    render_sample_pdf,
)
from core.pdf import PdfFontMissing, PdfResourceRefused, link_callback
from tests.factories import CertificateTemplateFactory, TrackFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
MAX_BYTES = 200 * 1024
BODY = (
    "{holder_name}同志：\n"
    "\u3000\u3000于2020年6月至2022年3月在{school}参加{programme}“{subject}”研修，"
    "完成{hours}学时学习任务，考核合格，特发此证。"
)


@pytest.fixture
def fake_pdf():
    """The real renderer here: the conftest's stand-in is for the services tests."""


@pytest.fixture
def make_certificate(db):
    def build(holder_name="沙马伍呷", orientation="landscape", **template_fields):
        template = CertificateTemplateFactory(
            body=BODY,
            orientation=orientation,
            signatory_name="张明",
            signatory_title="项目负责人",
            **template_fields,
        )
        return Certificate.objects.create(
            serial="LSNU-2021-000042",
            holder=UserFactory(),
            holder_name=holder_name,
            holder_school="依果觉乡小学校",
            track=TrackFactory(
                name="种子教师研修", programme__name="洪溪片区一对一帮扶项目"
            ),
            subject="种子教师研修",
            hours=Decimal("40.0"),
            issued_on=datetime.date(2021, 3, 1),
            template=template,
        )

    return build


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext extracts it, with white space removed."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if IN_CI:
            pytest.fail("CI must install poppler-utils: pdftotext is missing")
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return "".join(out.split())


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont name -> whether the font program is embedded."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def image_count(reader: PdfReader) -> int:
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    return sum(
        1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"
    )


@pytest.mark.parametrize("holder_name", ["沙马伍呷", "ꀊꁨꃀꑭ"])
def test_certificate_pdf_shows_the_holder_school_serial_and_verification_url(
    make_certificate, tmp_path, settings, holder_name
):
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.org"
    certificate = make_certificate(holder_name=holder_name)

    pdf = render_certificate_pdf(certificate)

    text = pdf_text(pdf, tmp_path)
    assert holder_name in text
    assert "依果觉乡小学校" in text
    assert "LSNU-2021-000042" in text
    assert "40学时" in text  # 40.0 hours print as 40
    assert "洪溪片区一对一帮扶项目" in text
    code = certificate.verification_code
    assert f"https://lms.example.org/verify/{code}/" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert len(pdf) < MAX_BYTES


def test_certificate_pdf_embeds_subsets_of_the_chinese_and_yi_fonts(
    make_certificate,
):
    pdf = render_certificate_pdf(make_certificate(holder_name="沙马伍呷 ꀊꁨꃀꑭ"))

    fonts = embedded_fonts(PdfReader(io.BytesIO(pdf)))
    used = {name.split("+")[-1]: embedded for name, embedded in fonts.items()}
    assert used.get("WenQuanYiMicroHei-0") is True
    assert used.get("NuosuSIL-Regular") is True
    # Subsets carry a six-letter tag; the whole CJK font alone is 5 MB.
    assert all("+" in name for name in fonts if "WenQuanYi" in name)


@pytest.mark.parametrize(
    ("orientation", "wide"), [("landscape", True), ("portrait", False)]
)
def test_certificate_pdf_is_one_a4_page_in_either_orientation(
    make_certificate, orientation, wide
):
    pdf = render_certificate_pdf(make_certificate(orientation=orientation))

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == ((842, 595) if wide else (595, 842))


def test_sample_pdf_fills_the_template_with_sample_data(tmp_path, db):
    template = CertificateTemplateFactory(body=BODY, orientation="portrait")

    pdf = render_sample_pdf(template)

    text = pdf_text(pdf, tmp_path)
    for expected in ("沙马伍呷", "ꀊꁨꃀꑭ", "依果觉乡小学校", "种子教师研修"):
        assert expected in text
    assert "LSNU-2021-000123" in text
    assert f"{datetime.date.today():%Y}年" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_certificate_text_is_escaped_and_unknown_placeholders_stay_visible(
    make_certificate, tmp_path
):
    certificate = make_certificate(holder_name='<img src="/etc/passwd">&')
    certificate.template.body = "{holder_name} {unknown} {"

    pdf = render_certificate_pdf(certificate)

    text = pdf_text(pdf, tmp_path)
    assert '<imgsrc="/etc/passwd">&' in text  # drawn as text, never fetched
    assert "{unknown}{" in text


def test_fill_placeholders_keeps_unknown_placeholders_and_stray_braces():
    values = {"holder_name": "沙马伍呷"}

    assert fill_placeholders("{holder_name}：{dept}", values) == "沙马伍呷：{dept}"
    assert fill_placeholders("{holder_name} {0} }{ {", values) == "沙马伍呷 {0} }{ {"
    assert fill_placeholders("{holder_name.upper}", values) == "{holder_name.upper}"


def test_template_images_are_drawn_from_small_renditions(make_certificate):
    def image(name, size, colour):
        buffer = io.BytesIO()
        PILImage.new("RGB", size, colour).save(buffer, "PNG")
        return get_image_model().objects.create(
            title=name, file=ImageFile(buffer, name=f"{name}.png")
        )

    certificate = make_certificate(
        background=image("background", (2400, 1700), "#fdf6e3"),
        seal=image("seal", (600, 600), "#c0392b"),
        signature=image("signature", (800, 300), "#222222"),
    )

    pdf = render_certificate_pdf(certificate)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert image_count(reader) == 4  # background, seal, signature and QR code
    # The background went in as its 1200 px rendition, not the 2400 px original.
    widths = {
        x.get_object()["/Width"]
        for x in reader.pages[0]["/Resources"]["/XObject"].values()
    }
    assert max(widths) == 1200


@pytest.mark.parametrize(
    ("key", "package"), [("cjk", "fonts-wqy-microhei"), ("yi", "fonts-sil-nuosusil")]
)
def test_missing_font_raises_naming_the_file_and_the_debian_package(
    make_certificate, settings, tmp_path, key, package
):
    missing = str(tmp_path / "missing.ttf")
    settings.PDF_FONTS = {**settings.PDF_FONTS, key: missing}

    with pytest.raises(PdfFontMissing) as raised:
        render_certificate_pdf(make_certificate())

    assert package in str(raised.value)
    assert missing in str(raised.value)


def test_link_callback_allows_only_the_font_and_media_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    font = settings.PDF_FONTS["cjk"]

    assert link_callback(font) == font
    assert link_callback("/media/images/seal.png") == str(
        tmp_path / "media" / "images" / "seal.png"
    )
    for refused in (
        "/etc/passwd",
        "/media/../../etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/seal.png",
        "file://example.org/etc/passwd",
    ):
        with pytest.raises(PdfResourceRefused):
            link_callback(refused)


def test_course_certificate_names_the_programme_of_a_track_holding_the_course(
    course_with_lessons, make_track, make_certificate
):
    course = course_with_lessons(1)
    make_track(required=[course], programme__name="2020 一对一帮扶项目")
    certificate = make_certificate()
    certificate.track, certificate.course = None, course

    assert facts_for(certificate).programme == "2020 一对一帮扶项目"
