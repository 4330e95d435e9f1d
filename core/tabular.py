"""Tables written as CSV or XLSX: the one way every export leaves the system,
and the one rule for cells a spreadsheet would run as a formula.

CSV is UTF-8 with a BOM, so Excel on Chinese Windows opens it correctly. Text
cells that a spreadsheet would run as a formula (see formula_start) are
prefixed with an apostrophe, in both formats; the teacher import refuses them.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.encoding import force_str

from .serving import content_response

UTF8_BOM = "\ufeff"
# OWASP's CSV injection rule: a cell starting with = + - @, or with a tab or
# carriage return (and line feed: spreadsheets skip all three before a
# formula). The full-width forms that Chinese input methods type are taken as
# well, and so is a formula character after leading spaces, which some
# spreadsheets trim before reading the cell.
FORMULA_CHARACTERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_STARTS = (*FORMULA_CHARACTERS, "\t", "\r", "\n")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def formula_start(text: str) -> str:
    """The character that would make a spreadsheet run `text` as a formula
    (the first one of FORMULA_STARTS, or the formula character after leading
    whitespace), or "" when the text is safe."""
    if text.startswith(FORMULA_STARTS):
        return text[0]
    stripped = text.lstrip()
    return stripped[0] if stripped.startswith(FORMULA_CHARACTERS) else ""


def safe_cell(value):
    """The value as a spreadsheet should receive it: numbers and dates stay
    typed, text is neutralised if it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return force_str(value)
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = force_str(value)
    return "'" + text if formula_start(text) else text


def csv_bytes(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, headers, rows)
    return buffer.getvalue()


def _csv_text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def write_xlsx(target, headers: Sequence, rows: Iterable[Sequence], title: str):
    """Stream rows into an XLSX file (a path or a binary file object) with
    openpyxl's write-only mode, so memory stays flat however many rows."""
    _write_workbook(target, [(title, headers, rows)])


def _xlsx_value(value):
    # Excel has no time zones; local wall-clock time is what people expect.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in force_str(title))
    return cleaned.strip()[:31] or "Sheet1"


def xlsx_bytes(headers: Sequence, rows: Iterable[Sequence], title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title)
    return buffer.getvalue()


def write_csv(target, headers: Sequence, rows: Iterable[Sequence]) -> None:
    """Stream a table as CSV (UTF-8 with a BOM) into a binary file object."""
    write_sheets(target, "csv", [("", headers, rows)])


def write_sheets(target, fmt: str, sheets: Sequence[tuple]) -> None:
    """Write several tables, each (title, headers, rows), into one file: one
    worksheet each in XLSX; in CSV one after another, each under its title
    and separated by an empty line."""
    if fmt == "xlsx":
        _write_workbook(target, sheets)
        return
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        text.write(UTF8_BOM)
        writer = csv.writer(text)
        for n, (title, headers, rows) in enumerate(sheets):
            if len(sheets) > 1:  # a title row above each table, apart
                if n:
                    writer.writerow([])
                writer.writerow([safe_cell(title)])
            writer.writerow([safe_cell(h) for h in headers])
            for row in rows:
                writer.writerow([_csv_text(safe_cell(v)) for v in row])
    finally:
        text.detach()  # leave the caller's file open


def _write_workbook(target, sheets) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_cell(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_xlsx_value(safe_cell(v)) for v in row])
    workbook.save(target)


def sheets_response(fmt: str, sheets: Sequence[tuple], filename: str) -> HttpResponse:
    """A download of several tables in one file (see write_sheets)."""
    fmt = fmt if fmt in FORMATS else "csv"
    buffer = io.BytesIO()
    write_sheets(buffer, fmt, sheets)
    content_type = XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
    return content_response(
        buffer.getvalue(), content_type=content_type, filename=f"{filename}.{fmt}"
    )


def table_response(
    fmt: str, headers: Sequence, rows: Iterable[Sequence], filename: str
) -> HttpResponse:
    """A download of the table in `fmt` ("csv" or "xlsx"), named filename.fmt."""
    return sheets_response(fmt, [(filename, headers, rows)], filename)
