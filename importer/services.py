"""Bulk import of teachers and principals from a CSV or XLSX sheet.

Three steps, none of them aware of HTTP:
1. `sheet_read` turns an uploaded file into an `ImportSheet` of clean cells, or
   raises `ImportFileError` when the file as a whole cannot be used.
2. `import_plan` checks every row against the database, in a fixed number of
   queries, and says what would happen to it: a new account, an update, no
   change, or an error with every reason.
3. `import_apply` checks again and writes the whole plan in one transaction.

Usernames are matched ignoring case, as allauth signs people in. Existing
teacher and principal accounts are updated from the sheet (a blank optional
cell keeps the stored value); cohorts and tracks are added, never removed.
"""

from .apply import (
    ImportOutcome,
    ImportOutdated,
    credentials_csv,
    import_apply,
    template_csv,
)
from .plan import ERROR, NEW, UNCHANGED, UPDATE, ImportPlan, RowPlan, import_plan
from .reading import (
    COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportSheet,
    sheet_read,
)

__all__ = [
    "COLUMNS",
    "ERROR",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "NEW",
    "UNCHANGED",
    "UPDATE",
    "ImportFileError",
    "ImportOutcome",
    "ImportOutdated",
    "ImportPlan",
    "ImportSheet",
    "RowPlan",
    "credentials_csv",
    "import_apply",
    "import_plan",
    "sheet_read",
    "template_csv",
]
