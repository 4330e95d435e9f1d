"""Tables written as CSV or XLSX: the one way every export leaves the system.

CSV is UTF-8 with a BOM, so Excel on Chinese Windows opens it correctly. Text
cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
start) are prefixed with an apostrophe, in both formats.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header

UTF8_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


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
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
    return (UTF8_BOM + buffer.getvalue()).encode("utf-8")


def _csv_text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def write_xlsx(target, headers: Sequence, rows: Iterable[Sequence], title: str):
    """Stream rows into an XLSX file (a path or a binary file object) with
    openpyxl's write-only mode, so memory stays flat however many rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(safe_cell(v)) for v in row])
    workbook.save(target)


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


def table_response(
    fmt: str, headers: Sequence, rows: Iterable[Sequence], filename: str
) -> HttpResponse:
    """A download of the table in `fmt` ("csv" or "xlsx"), named filename.fmt."""
    if fmt == "xlsx":
        content, content_type = xlsx_bytes(headers, rows, filename), XLSX_TYPE
    else:
        fmt = "csv"
        content = csv_bytes(headers, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
