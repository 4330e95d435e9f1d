"""The transcript (学习档案): the teacher's records on one page and as a PDF
with Chinese and Yi text."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from core.fonts import font_problems
from tests.factories import CertificateFactory, HoursEntryFactory

pytestmark = pytest.mark.django_db


def test_transcript_lists_courses_hours_and_certificates(client, programme):
    CertificateFactory(holder=programme.seed, track=programme.track, serial="HX-1")
    HoursEntryFactory(user=programme.seed, hours=3, description="送培到校 ꆈꌠ")
    client.force_login(programme.principal)

    response = client.get(reverse("reports:transcript", args=[programme.seed.pk]))

    t = response.context["t"]
    assert {c.course.title for c in t.courses} == {"师德师风", "留守儿童心理辅导"}
    assert t.hours_total == 7  # two courses of 2 hours and an adjustment of 3
    html = response.content.decode()
    assert "HX-1" in html and "送培到校" in html and "ꆈꌠ" in html
    assert reverse("reports:transcript_pdf", args=[programme.seed.pk]) in html


@pytest.mark.skipif(bool(font_problems()), reason="needs the PDF fonts")
def test_transcript_pdf_has_chinese_and_yi_text(client, programme, tmp_path):
    HoursEntryFactory(user=programme.seed, hours=3, description="送培到校")
    client.force_login(programme.principal)

    response = client.get(reverse("reports:transcript_pdf", args=[programme.seed.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "t.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "ꀊꁨꃀꑭ" in text
        assert "师德师风" in text and "送培到校" in text
