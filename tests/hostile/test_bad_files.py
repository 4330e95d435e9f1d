"""Every file of the hostile corpus is refused with its reason, and nothing
of it is kept: H5P packages (zip-slip, bombs, symlinks, disguised types...),
teacher-import sheets (encodings, disguised types, sizes) and spreadsheet
cells that would run as formulas once exported."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.tabular import csv_bytes, write_xlsx
from courses.h5p.validation import validate_package
from courses.models import H5PPackage
from importer import services as importer
from importer.views import PREVIEW_KEY
from people.models import User

from .corpus import FORMULA_CELLS, H5P_CORPUS, SHEET_CORPUS, valid_h5p

pytestmark = pytest.mark.django_db

H5P_ADD = "wagtailsnippets_courses_h5ppackage:add"
IMPORT = "people:import_start"


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path):
    """The corpus's `many-entries` package is too many only for a low limit."""
    settings.H5P_MAX_ENTRIES = 50
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def _ids(corpus):
    return [entry.name for entry in corpus]


# H5P packages -----------------------------------------------------------------


def test_the_corpus_starts_from_a_valid_package():
    info = validate_package(SimpleUploadedFile("ok.h5p", valid_h5p()))

    assert info.main_library == "H5P.LmsQuiz"


@pytest.mark.parametrize("bad", H5P_CORPUS, ids=_ids(H5P_CORPUS))
def test_validation_refuses_each_bad_package_naming_the_rule(bad):
    with pytest.raises(ValidationError) as refused:
        validate_package(SimpleUploadedFile(bad.name, bad.data()))

    assert refused.value.code == bad.expect


@pytest.mark.parametrize("bad", H5P_CORPUS, ids=_ids(H5P_CORPUS))
def test_uploading_a_bad_package_stores_nothing(client, trainer, settings, bad):
    client.force_login(trainer)

    response = client.post(
        reverse(H5P_ADD),
        {"title": "坏包", "file": SimpleUploadedFile(bad.name, bad.data())},
    )

    # Wagtail shows the form again (200) with the reason at the file field.
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not H5PPackage.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.*")), "a file was written"


# Teacher-import sheets --------------------------------------------------------


def _upload(bad):
    return SimpleUploadedFile(bad.name, bad.data())


@pytest.mark.parametrize("bad", SHEET_CORPUS, ids=_ids(SHEET_CORPUS))
def test_reading_each_sheet_gives_its_reason_or_its_rows(bad):
    with translation.override("en"):
        if bad.expect is None:
            assert importer.sheet_read(_upload(bad)).rows
        else:
            with pytest.raises(importer.ImportFileError) as refused:
                importer.sheet_read(_upload(bad))
            assert bad.expect in str(refused.value)


@pytest.mark.parametrize("bad", SHEET_CORPUS, ids=_ids(SHEET_CORPUS))
def test_uploading_a_bad_sheet_answers_400_and_keeps_nothing(client, office, bad):
    client.force_login(office)
    client.cookies["django_language"] = "en"
    users = User.objects.count()

    response = client.post(reverse(IMPORT), {"file": _upload(bad)})

    if bad.expect is None:
        assert response.status_code == 302
        assert PREVIEW_KEY in client.session
    else:
        assert response.status_code == 400
        assert bad.expect in response.content.decode()
        assert PREVIEW_KEY not in client.session
    assert User.objects.count() == users


def test_formula_cells_are_errors_in_the_preview_and_are_never_imported(
    client, office, school
):
    school.code = "hx-01"
    school.save()
    client.force_login(office)
    client.cookies["django_language"] = "en"
    formulas = next(entry for entry in SHEET_CORPUS if entry.name == "formulas.csv")
    client.post(reverse(IMPORT), {"file": _upload(formulas)})
    token = client.session[PREVIEW_KEY]["token"]
    sheet = importer.ImportSheet.from_json(client.session[PREVIEW_KEY]["sheet"])
    plan = importer.import_plan(sheet)
    users = User.objects.count()

    response = client.post(
        reverse("people:import_confirm", args=[token]),
        {"fingerprint": plan.fingerprint},
    )

    assert [bool(row.errors) for row in plan.rows] == [True] * len(FORMULA_CELLS)
    assert all("formula" in " ".join(row.errors) for row in plan.rows)
    assert response.status_code == 302
    assert User.objects.count() == users


# Cells leaving the system -------------------------------------------------------


def _formula_started(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_exported_csv_cells_never_start_a_formula():
    data = csv_bytes(FORMULA_CELLS, [FORMULA_CELLS, FORMULA_CELLS])

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    cells = [cell for row in rows for cell in row]
    assert len(cells) == 3 * len(FORMULA_CELLS)
    assert not [cell for cell in cells if _formula_started(cell)]


def test_exported_xlsx_cells_are_text_not_formulas():
    buffer = io.BytesIO()
    write_xlsx(buffer, FORMULA_CELLS, [FORMULA_CELLS], title="=cmd|' /C calc'!A0")

    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert {cell.data_type for cell in cells} == {"s"}
    assert not [cell.value for cell in cells if _formula_started(cell.value)]
    assert zipfile.ZipFile(buffer).testzip() is None


def test_initial_passwords_export_neutralises_a_formula_school_name():
    data = importer.credentials_csv([["t-01", "张三", "=cmd|' /C calc'!A0", "pw"]])

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    assert rows[1] == ["t-01", "张三", "'=cmd|' /C calc'!A0", "pw"]
