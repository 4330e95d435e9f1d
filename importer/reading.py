"""Step 1: an uploaded .csv or .xlsx file becomes an ImportSheet of clean cells."""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import zip_longest

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Confirming writes every row in one request (~12 ms a row with its initial
# password); 1,000 rows stay well within a 30 s worker timeout.
MAX_ROWS = 1000
MAX_COLUMNS = 50
# A 2 MB workbook may inflate to gigabytes (a "zip bomb"); real sheets stay small.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024

# Field key -> accepted headings; the first is the one the template uses.
COLUMNS = {
    "username": ["用户名", "账号", "帐号", "username", "user name", "login"],
    "name": ["姓名", "名字", "name", "full name"],
    "school_code": ["学校代码", "school_code", "school code"],
    "school": ["学校", "学校名称", "school", "school name"],
    "role": ["角色", "role"],
    "subject": ["学科", "任教学科", "subject"],
    "seed_teacher": ["种子教师", "seed_teacher", "seed teacher", "seed"],
    "email": ["邮箱", "电子邮箱", "email", "e-mail"],
    "cohort": ["分组", "学员分组", "cohort", "cohorts"],
    "track": ["研修方案", "track", "tracks"],
}
# Cells in columns without a heading are kept under this key and rejected.
UNLABELLED = ""

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class ImportSheet:
    """The cleaned cells of an uploaded sheet, keyed by field, with the row
    numbers the spreadsheet shows. Round-trips through JSON for the session."""

    filename: str
    headings: dict[str, str]  # field key -> heading as written in the file
    rows: list[tuple[int, dict[str, str]]]

    def to_json(self) -> dict:
        return {"filename": self.filename, "headings": self.headings, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> "ImportSheet":
        rows = [(int(number), dict(cells)) for number, cells in data["rows"]]
        return cls(str(data["filename"]), dict(data["headings"]), rows)


def sheet_read(upload) -> ImportSheet:
    """Read an uploaded .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file; the
    first row that is not blank holds the headings.

    Raises ImportFileError for files that are too big, whose content is not
    what their name says, in another encoding, without rows, with too many
    rows, or with missing, repeated or unknown columns.
    """
    name = getattr(upload, "name", "") or ""
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_too_big_message())
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_too_big_message())
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    table = _xlsx_table(data) if _kind_of(name, data) == "xlsx" else _csv_table(data)
    return _sheet_from_table(table, filename=name)


def clean_cell(value: str) -> str:
    """Drop invisible characters; collapse all whitespace, full-width and
    non-breaking spaces included, to single spaces; trim."""
    return " ".join(value.translate(_INVISIBLE).split())


def _too_big_message() -> str:
    return _("The file is larger than %(size)d MB; split it into smaller files.") % {
        "size": MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def _kind_of(name: str, data: bytes) -> str:
    """The file type by its content, which must agree with its name."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(_XLS_MAGIC):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read: save as .xlsx or CSV UTF-8.")
        )
    is_zip = data.startswith(b"PK\x03\x04")
    if extension == "xlsx" and is_zip and _is_workbook(data):
        return "xlsx"
    if extension == "csv" and not is_zip:
        return "csv"
    if extension in ("csv", "xlsx"):
        raise ImportFileError(
            _("The file is named .%(extension)s but its content is not.")
            % {"extension": extension}
        )
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return False
    if sum(entry.file_size for entry in entries) > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook is too large once unpacked."))
    return any(entry.filename == "xl/workbook.xml" for entry in entries)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _("The file is UTF-16 text: save it as “CSV UTF-8” or as .xlsx.")
        )
    # Excel saves "CSV UTF-8" with a BOM and plain "CSV" in GBK on Chinese
    # Windows; GB18030 is the superset of GBK that Python decodes.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
            return text
    raise ImportFileError(
        _("The file is not text in UTF-8 or GBK: save it as “CSV UTF-8”.")
    )


def _csv_table(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" and copies from web pages are tab-separated.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed: %(error)s") % {"error": error}
        ) from error


def _xlsx_table(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise ImportFileError(_("The Excel file could not be opened.")) from error
    try:
        rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _heading_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().rstrip("*")
    return "".join(c for c in text if c not in " _-")


_HEADINGS = {
    _heading_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases
}


def _sheet_from_table(table, *, filename: str) -> ImportSheet:
    cleaned = ((n, [clean_cell(str(c)) for c in cells]) for n, cells in table)
    nonblank = ((n, cells) for n, cells in cleaned if any(cells))
    header = next(nonblank, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    keys, headings = _columns_of(header[1])
    rows = []
    for number, cells in nonblank:
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(count)d rows; split it into smaller files.")
                % {"count": MAX_ROWS}
            )
        row = {}
        for key, value in zip_longest(keys, cells):
            if value:
                row[UNLABELLED if key is None else key] = value
        rows.append((number, row))
    if not rows:
        raise ImportFileError(_("The file has no rows below the headings."))
    return ImportSheet(filename, headings, rows)


def _columns_of(header: list[str]) -> tuple[list[str | None], dict[str, str]]:
    keys: list[str | None] = []
    headings: dict[str, str] = {}
    unknown, repeated = [], []
    for heading in header:
        key = _HEADINGS.get(_heading_key(heading)) if heading else None
        if heading and key is None:
            unknown.append(heading)
        elif key in headings:
            repeated.append(heading)
            key = None
        elif key:
            headings[key] = heading
        keys.append(key)
    problems = []
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s.") % {"names": "、".join(unknown)}
        )
    if repeated:
        problems.append(
            _("Columns given twice: %(names)s.") % {"names": "、".join(repeated)}
        )
    missing = [key for key in ("username", "name") if key not in headings]
    if "school_code" not in headings and "school" not in headings:
        missing.append("school_code")
    if missing:
        names = "、".join(f"{COLUMNS[key][0]} ({key})" for key in missing)
        problems.append(_("Missing columns: %(names)s.") % {"names": names})
    if problems:
        accepted = "、".join(aliases[0] for aliases in COLUMNS.values())
        problems.append(_("Accepted columns: %(names)s.") % {"names": accepted})
        raise ImportFileError(" ".join(problems))
    return keys, headings
