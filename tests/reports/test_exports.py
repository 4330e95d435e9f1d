"""Exports of the report tables: CSV with a BOM and XLSX with Chinese
headers, read back; large exports become a job with progress and a download."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import ExportJob

pytestmark = pytest.mark.django_db


def _export(client, table, query="", fmt="xlsx"):
    return client.post(f"/reports/export/{table}/?{query}", {"fmt": fmt})


def _sheet(response):
    return load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]


def _rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_matrix_xlsx_has_chinese_headers_and_the_matrix_rows(client, programme):
    client.force_login(programme.principal)

    response = _export(client, "matrix", "sort=name")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(_sheet(response))
    assert rows[0][:5] == ["姓名", "用户名", "学校", "任教学科", "种子教师"]
    assert rows[0][-3:] == ["师德师风", "留守儿童心理辅导", "信息技术2.0"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"ꀊꁨꃀꑭ", "阿西莫色", "刘芳"}
    seed = by_name["ꀊꁨꃀꑭ"]
    assert seed[2] == programme.school.name
    assert seed[6] == 4  # hours earned, a number
    cells = dict(zip(rows[0], seed, strict=True))
    completed_on = programme.seed.course_completions.get(
        course=programme.courses[0]
    ).completed_at
    assert cells["师德师风"] == f"已完成 {timezone.localdate(completed_on)}"
    assert cells["信息技术2.0"] == "未开始"
    maths = dict(zip(rows[0], by_name["阿西莫色"], strict=True))
    assert maths["师德师风"] == "学习中 1/2"


def test_matrix_csv_starts_with_a_bom_and_keeps_the_filters(client, programme):
    client.force_login(programme.principal)

    response = _export(client, "matrix", "seed=yes", fmt="csv")

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "姓名"
    assert [r[0] for r in rows[1:]] == ["ꀊꁨꃀꑭ"]
    assert "attachment;" in response["Content-Disposition"]


def test_office_tables_export_with_chinese_headers(client, programme, office):
    client.force_login(office)
    query = f"track={programme.track.pk}"

    schools = _rows(_sheet(_export(client, "schools", query)))
    courses = _rows(_sheet(_export(client, "courses", query)))
    behind = _rows(_sheet(_export(client, "behind", query)))
    hosts = _rows(_sheet(_export(client, "hosts", query)))
    hours = _rows(_sheet(_export(client, "hours", query)))

    assert schools[0][0] == "学校"
    assert {r[0]: r[1] for r in schools[1:]} == {
        programme.school.name: 3,
        programme.other_school.name: 1,
    }
    assert courses[0][0] == "课程" and len(courses) == 4
    assert {r[0] for r in behind[1:]} >= {"阿西莫色", "刘芳"}
    assert hosts[0][0] == "基地学校"
    assert sum(r[1] for r in hours[1:]) == 4


def test_transcript_exports_one_sheet_per_table(client, programme):
    client.force_login(programme.principal)

    response = _export(client, "transcript", f"teacher={programme.seed.pk}")

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.worksheets) == 5
    courses = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert courses[0][0] == "课程"
    assert {r[0] for r in courses[1:]} == {"师德师风", "留守儿童心理辅导"}


def test_transcript_csv_stacks_its_tables(client, programme):
    client.force_login(programme.principal)

    response = _export(client, "transcript", f"teacher={programme.seed.pk}", "csv")

    text = response.content.decode("utf-8-sig")
    assert text.count("\r\n\r\n") == 4  # five tables, apart


@pytest.mark.parametrize("fmt", ["", "pdf", "xlsx;rm"])
def test_unknown_format_is_refused(client, programme, fmt):
    client.force_login(programme.principal)

    response = _export(client, "matrix", fmt=fmt)

    assert response.status_code == 400
    assert ExportJob.objects.count() == 0


def test_unknown_table_is_not_found(client, programme):
    client.force_login(programme.principal)

    assert _export(client, "passwords").status_code == 404


def test_export_with_bad_filters_is_refused(client, programme):
    client.force_login(programme.principal)

    response = _export(client, "matrix", "status=bogus")

    assert response.status_code == 400
    assert ExportJob.objects.count() == 0


def test_export_must_be_posted(client, programme):
    client.force_login(programme.principal)

    assert client.get("/reports/export/matrix/?fmt=csv").status_code == 405


def test_large_export_runs_as_a_job_with_progress_and_download(
    client, programme, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_SYNC_EXPORT_MAX_ROWS = 2
    client.force_login(programme.principal)

    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, "matrix")

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:export_job", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "js/job-progress.js" in page.content.decode()
    state = client.get(reverse("reports:export_progress", args=[job.pk])).json()
    assert (
        state["finished"]
        and state["done"]
        and state["percent"] == 100
        and state["rows"] == 3
    )
    download = client.get(state["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    names = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert names[0] == "姓名"
    assert sorted(names[1:]) == sorted(["ꀊꁨꃀꑭ", "阿西莫色", "刘芳"])
    assert "filename*=utf-8''" in download["Content-Disposition"]


def test_every_export_is_in_the_audit_log(client, programme):
    from people.models import AuditEvent

    client.force_login(programme.principal)
    _export(client, "matrix", "seed=yes", fmt="csv")

    event = AuditEvent.objects.get(action="export")
    assert event.actor == programme.principal
    assert (event.details["report"], event.details["format"]) == ("matrix", "csv")
    assert event.details["rows"] >= 1
