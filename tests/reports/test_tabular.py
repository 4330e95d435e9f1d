import csv
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.tabular import csv_bytes, safe_cell, table_response, xlsx_bytes

HEADERS = ["姓名", "学校", "学时"]
ROWS = [
    ["ꀊꁨꃀꑭ", "红溪九年一贯制学校", Decimal("8.0")],
    ["=cmd|' /C calc'!A0", "@SUM(A1)", 3],
]


def test_csv_starts_with_bom_and_reads_back_chinese_and_yi():
    content = csv_bytes(HEADERS, ROWS)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1][:2] == ["ꀊꁨꃀꑭ", "红溪九年一贯制学校"]


def test_formula_cells_are_neutralised_in_csv_and_xlsx():
    rows = list(csv.reader(io.StringIO(csv_bytes(HEADERS, ROWS).decode("utf-8-sig"))))
    assert rows[2][:2] == ["'=cmd|' /C calc'!A0", "'@SUM(A1)"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADERS, ROWS, "导出"))).active
    assert sheet["A3"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A3"].data_type == "s"


def test_xlsx_keeps_headers_bold_and_numbers_typed():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADERS, ROWS, "a/b:c"))).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A1"].font.bold
    assert sheet["C2"].value == 8
    assert sheet.title == "a b c"


def test_safe_cell_keeps_negative_numbers_and_dates():
    assert safe_cell(-3) == -3
    assert safe_cell(datetime.date(2020, 10, 26)) == datetime.date(2020, 10, 26)
    assert safe_cell(None) == ""
    assert safe_cell("-3") == "'-3"


def test_table_response_names_the_download():
    response = table_response("xlsx", HEADERS, ROWS, "跟岗研修")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E8%B7%9F" in response["Content-Disposition"]
    assert table_response("bogus", HEADERS, ROWS, "x")["Content-Type"].startswith(
        "text/csv"
    )
