"""core.tabular: one formula-injection rule for exports and the import."""

import csv
import io

import pytest

from core.tabular import csv_bytes, formula_start, safe_cell


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ("=1+1", "="),
        ("+86 138", "+"),
        ("-2+3", "-"),
        ("@SUM(1,1)", "@"),
        ("\t=1+1", "\t"),
        ("\r=1+1", "\r"),
        ("\n=1+1", "\n"),
        ("  =1+1", "="),  # some spreadsheets trim leading spaces first
        ("＝1+1", "＝"),  # full-width forms typed by Chinese input methods
        ("＋1", "＋"),
    ],
)
def test_formula_start_finds_what_a_spreadsheet_would_run(text, char):
    assert formula_start(text) == char
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["ꀊꁨꃀꑭ", "洪溪初级中学", "a=b", "1-2", "", " a"])
def test_formula_start_leaves_ordinary_text_alone(text):
    assert formula_start(text) == ""
    assert safe_cell(text) == text


def test_csv_cells_read_back_neutralised_and_numbers_stay_numbers():
    data = csv_bytes(["姓名", "学时"], [["  =HYPERLINK(1)", -3]])

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    assert rows[1] == ["'  =HYPERLINK(1)", "-3"]
