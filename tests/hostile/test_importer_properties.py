"""Properties of the teacher importer (importer) for any file and any
cell: a file is read or refused with ImportFileError, never anything else;
what Excel writes (CSV in UTF-8 with a BOM or GBK, XLSX) reads back cell for
cell; the plan never fails on a cell, and formula cells are always errors."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.tabular import FORMULA_STARTS
from importer import services as importer
from importer.reading import clean_cell

from .corpus import xlsx_bytes

HEADINGS = ["用户名", "姓名", "学校代码"]
KEYS = ["username", "name", "school_code"]
NAMES = st.sampled_from(["x.csv", "x.xlsx", "x.CSV", "x.txt", "x", "x.xls"])
# Cell text as people type it: Chinese, Yi, Latin, digits, punctuation,
# spaces of every width and line breaks; no other control characters (a
# file holding those is refused as a whole, tested below).
cell_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\r\t")
    | st.sampled_from("张王李阿苦拉哈ꀊꁨꃀꑭ, \"'=+-@\u3000\u00a0\u200b"),
    max_size=12,
)


def _tables(cells):
    return st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=8)


tables = _tables(cell_text)
# What a GBK file can hold: the common Chinese characters, ASCII, and the
# full-width space.
gbk_tables = _tables(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
        | st.characters(min_codepoint=0x20, max_codepoint=0x7E)
        | st.sampled_from("\u3000\n"),
        max_size=12,
    )
)


def _read(name: str, data: bytes):
    return importer.sheet_read(SimpleUploadedFile(name, data))


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _expected(rows):
    """The rows as the importer keeps them: cleaned, blank ones dropped."""
    cleaned = [[clean_cell(cell) for cell in row] for row in rows]
    return [
        {key: cell for key, cell in zip(KEYS, row, strict=True) if cell}
        for row in cleaned
        if any(row)
    ]


def _cells(sheet):
    return [cells for _number, cells in sheet.rows]


@given(name=NAMES, data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_reason(name, data):
    try:
        sheet = _read(name, data)
    except importer.ImportFileError as refusal:
        assert str(refusal)
    else:
        assert sheet.rows


@st.composite
def zips(draw):
    """Zip archives with random entries, some of them workbook parts."""
    names = st.sampled_from(
        ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml",
         "_rels/.rels", "xl/_rels/workbook.xml.rels", "../evil", "x"]
    )  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in draw(st.sets(names, max_size=5)):
            archive.writestr(name, draw(st.binary(max_size=200)))
    return buffer.getvalue()


@settings(max_examples=30)
@given(data=zips())
def test_any_zip_named_xlsx_is_read_or_refused_with_a_reason(data):
    try:
        _read("x.xlsx", data)
    except importer.ImportFileError as refusal:
        assert str(refusal)


@given(rows=tables, bom=st.booleans())
def test_utf8_csv_reads_back_cell_for_cell(rows, bom):
    expected = _expected(rows)
    assume(expected)
    text = _csv([HEADINGS, *rows])

    sheet = _read("x.csv", (("\ufeff" if bom else "") + text).encode("utf-8"))

    assert _cells(sheet) == expected


@given(rows=gbk_tables)
def test_gbk_csv_from_excel_reads_back_cell_for_cell(rows):
    expected = _expected(rows)
    assume(expected)
    data = _csv([HEADINGS, *rows]).encode("gbk")

    assert _cells(_read("x.csv", data)) == expected


@settings(max_examples=20)
@given(rows=tables)
def test_xlsx_reads_back_cell_for_cell(rows):
    # openpyxl would store text starting with "=" as a formula; the XML of a
    # workbook cannot hold the control characters \r aside.
    assume(not any(cell.startswith("=") for row in rows for cell in row))
    expected = _expected(rows)
    assume(expected)

    assert _cells(_read("x.xlsx", xlsx_bytes([HEADINGS, *rows]))) == expected


@pytest.mark.django_db
@given(rows=tables)
def test_the_plan_never_fails_and_formula_cells_are_errors(school, rows):
    sheet = importer.ImportSheet(
        "x.csv",
        dict(zip(KEYS, HEADINGS, strict=True)),
        [(n, row) for n, row in enumerate(_expected(rows), start=2)],
    )
    assume(sheet.rows)

    plan = importer.import_plan(sheet)

    for row in plan.rows:
        if any(value.startswith(FORMULA_STARTS) for value in row.cells.values()):
            assert row.errors
            assert row.status == importer.ERROR
