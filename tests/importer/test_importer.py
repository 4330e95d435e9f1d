import csv
import datetime
import io
import time

import pytest
from django.contrib.auth.hashers import check_password, get_hasher
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from courses.models import Programme, Track, TrackEnrolment
from courses.models.learning import Source
from importer import apply as importer_apply
from importer import services as importer
from importer import views as views_import
from people.models import Cohort, Profile, Role, User
from tests.factories import CohortFactory, ProfileFactory, UserFactory

# Role fixtures are requested by name at run time, so mark the database use here.
pytestmark = pytest.mark.django_db

HEADINGS = [
    "用户名",
    "姓名",
    "学校代码",
    "角色",
    "学科",
    "种子教师",
    "邮箱",
    "分组",
    "研修方案",
]
START = reverse("people:import_start")
QUERY_BUDGET = 9


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assertions read the English source messages whatever the default language:
    in code through override, in pages through the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def track(db):
    programme = Programme.objects.create(
        code="p2020",
        name="2020-2022 一对一帮扶",
        starts_on=datetime.date(2020, 6, 1),
        ends_on=datetime.date(2022, 3, 31),
    )
    return Track.objects.create(
        programme=programme,
        code="seed-2020",
        name="种子教师研修",
        opens_on=datetime.date(2020, 6, 1),
        closes_on=datetime.date(2022, 3, 31),
    )


@pytest.fixture
def cohort(db):
    return CohortFactory(code="seed2020", name="2020 种子教师")


def _row(school, **cells):
    values = {
        "用户名": "ahxi",
        "姓名": "阿赫溪",
        "学校代码": school.code,
        "角色": "教师",
        "学科": "数学",
        "种子教师": "是",
        "邮箱": "",
        "分组": "",
        "研修方案": "",
    }
    values.update(cells)
    return [values[heading] for heading in HEADINGS]


def _csv(rows, *, headings=HEADINGS, encoding="utf-8", name="teachers.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headings, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def _xlsx(rows, *, headings=HEADINGS, name="teachers.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in [headings, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _plan(upload):
    return importer.import_plan(importer.sheet_read(upload))


def _errors_of(upload) -> list[str]:
    return _plan(upload).rows[0].errors


def _file_error(upload) -> str:
    with pytest.raises(importer.ImportFileError) as error:
        importer.sheet_read(upload)
    return str(error.value)


def _teachers(school, count):
    return [
        _row(school, 用户名=f"teacher{n}", 姓名=f"教师{n}", 种子教师="")
        for n in range(count)
    ]


# Reading -------------------------------------------------------------------------


def test_utf8_bom_and_gbk_csv_read_to_the_same_rows(school):
    rows = [_row(school, 姓名="阿赫溪"), _row(school, 用户名="jjmz", 姓名="吉jj木子")]

    sheets = [
        importer.sheet_read(_csv(rows, encoding=encoding))
        for encoding in ("utf-8", "utf-8-sig", "gbk")
    ]

    assert sheets[0].rows == sheets[1].rows == sheets[2].rows
    assert sheets[0].rows[0] == (
        2,
        {
            "username": "ahxi",
            "name": "阿赫溪",
            "school_code": school.code,
            "role": "教师",
            "subject": "数学",
            "seed_teacher": "是",
        },
    )


def test_xlsx_reads_to_the_same_rows_as_csv(school):
    rows = [_row(school, 姓名="ꆈꌠ"), _row(school, 用户名="20200101", 姓名="吉克")]
    xlsx_rows = [list(rows[0]), [20200101, *rows[1][1:]]]  # a number cell

    from_xlsx = importer.sheet_read(_xlsx(xlsx_rows))

    assert from_xlsx.rows == importer.sheet_read(_csv(rows)).rows
    assert from_xlsx.rows[1][1]["username"] == "20200101"


def test_english_headings_are_accepted(school):
    headings = ["Username", "Name", "school_code", "Role", "Subject", "Seed teacher"]
    headings += ["Email", "Cohort", "Track"]
    rows = [_row(school, 角色="principal", 学科="english", 种子教师="no")]

    row = _plan(_csv(rows, headings=headings)).rows[0]

    assert row.status == importer.NEW
    assert (row.role, row.subject, row.is_seed_teacher) == (
        "principal",
        "english",
        False,
    )


def test_school_may_be_given_by_name(school):
    headings = ["用户名", "姓名", "学校"]

    row = _plan(_csv([["ahxi", "阿赫溪", school.name]], headings=headings)).rows[0]

    assert row.school == school
    assert row.status == importer.NEW


def test_cells_are_trimmed_of_full_width_and_invisible_spaces(school):
    rows = [_row(school, 用户名="\u3000AHXI\u200b ", 姓名=" 阿赫\u3000\u3000溪\xa0")]

    row = _plan(_csv(rows)).rows[0]

    assert (row.username, row.name) == ("ahxi", "阿赫 溪")


def test_blank_rows_are_skipped_and_row_numbers_follow_the_sheet(school):
    rows = [_row(school), ["", "", ""], _row(school, 用户名="jjmz")]

    sheet = importer.sheet_read(_csv(rows))

    assert [number for number, _cells in sheet.rows] == [2, 4]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("a.csv", b"PK\x03\x04" + b"\0" * 100, "is named .csv but its content"),
        ("a.xlsx", "用户名,姓名\n".encode(), "is named .xlsx but its content"),
        ("a.pdf", b"%PDF-1.4\n", "Upload a .csv or .xlsx file"),
        ("a.csv", b"%PDF-1.4\n\x00\x01\x02binary", "not text in UTF-8 or GBK"),
        ("a.csv", "用户名,姓名".encode("utf-16"), "UTF-16"),
        ("a.csv", b"\xff\x80\xff", "not text in UTF-8 or GBK"),
        ("a.csv", b"  \n ", "empty"),
        ("a.csv", "用户名,姓名,学校代码\n".encode(), "no rows below the headings"),
    ],
)
def test_unusable_files_are_rejected_with_a_reason(db, name, content, message):
    assert message in _file_error(SimpleUploadedFile(name, content))


def test_files_over_the_size_limit_are_rejected(db):
    content = b"x" * (importer.MAX_UPLOAD_BYTES + 1)

    assert "larger than 2 MB" in _file_error(SimpleUploadedFile("a.csv", content))


def test_files_over_the_row_limit_are_rejected(school):
    rows = [["u", "名", school.code]] * (importer.MAX_ROWS + 1)

    message = _file_error(_csv(rows, headings=["用户名", "姓名", "学校代码"]))

    assert f"more than {importer.MAX_ROWS} rows" in message


def test_unknown_repeated_and_missing_columns_are_named(db):
    headings = ["用户名", "username", "手机", "备注"]

    message = _file_error(_csv([["a", "b", "c", "d"]], headings=headings))

    assert "Unknown columns: 手机、备注" in message
    assert "Columns given twice: username" in message
    assert "Missing columns: 姓名 (name)、学校代码 (school_code)" in message


# Checking rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"用户名": ""}, "用户名 is required."),
        ({"姓名": ""}, "姓名 is required."),
        ({"学校代码": ""}, "The school is required."),
        ({"学校代码": "nowhere"}, "Unknown school code “nowhere”."),
        ({"角色": "局长"}, "Unknown role “局长”"),
        ({"学科": "化学"}, "Unknown subject “化学”."),
        ({"种子教师": "maybe"}, "Seed teacher must be 是 or 否"),
        ({"邮箱": "not-an-email"}, "“not-an-email” is not a valid email address."),
        ({"分组": "nosuch"}, "Unknown cohort “nosuch”."),
        ({"研修方案": "nosuch"}, "Unknown track code “nosuch”."),
        ({"用户名": "a b!"}, "The username may contain only letters"),
        ({"姓名": "=HYPERLINK(1)"}, "姓名 starts with “=”"),
        ({"邮箱": "+a@example.org"}, "邮箱 starts with “+”"),
        ({"分组": "-1"}, "分组 starts with “-”"),
        ({"学科": "@SUM(A1)"}, "学科 starts with “@”"),
        ({"用户名": "shili-zhangsan"}, "template's example row"),
    ],
)
def test_each_invalid_cell_is_rejected_with_its_reason(school, cells, reason):
    row = _plan(_csv([_row(school, **cells)])).rows[0]

    assert row.status == importer.ERROR
    assert any(reason in error for error in row.errors), row.errors


def test_every_reason_of_a_row_is_reported(school):
    row = _plan(_csv([_row(school, 学校代码="x", 学科="化学", 研修方案="y")])).rows[0]

    assert len(row.errors) == 3


def test_value_in_a_column_without_heading_is_rejected(school):
    sheet = _csv([["ahxi", "阿赫溪", school.code, "extra"]], headings=HEADINGS[:3])

    assert "column without a heading" in _errors_of(sheet)[0]


def test_username_repeated_in_the_file_is_rejected_ignoring_case(school):
    plan = _plan(_csv([_row(school, 用户名="Ahxi"), _row(school, 用户名="ahxi")]))

    assert [row.status for row in plan.rows] == [importer.ERROR, importer.ERROR]
    assert "more than once" in plan.rows[1].errors[0]


def test_email_of_another_account_is_rejected(school):
    UserFactory(email="Taken@example.org")

    errors = _errors_of(_csv([_row(school, 邮箱="taken@EXAMPLE.org")]))

    assert errors == ["This email address belongs to another account."]


def test_email_repeated_in_the_file_is_rejected(school):
    rows = [
        _row(school, 邮箱="a@example.org"),
        _row(school, 用户名="b", 邮箱="A@example.org"),
    ]

    plan = _plan(_csv(rows))

    assert [row.errors for row in plan.rows] == [
        ["This email address appears more than once in the file."]
    ] * 2


def test_cohort_name_shared_by_two_cohorts_must_be_given_by_code(school):
    CohortFactory(name="同名")
    CohortFactory(name="同名")

    assert "use the cohort code" in _errors_of(_csv([_row(school, 分组="同名")]))[0]


def test_several_cohorts_by_code_or_name_with_either_separator(school, cohort):
    other = CohortFactory(code="principals", name="校长班")

    row = _plan(_csv([_row(school, 分组="SEED2020；校长班; seed2020")])).rows[0]

    assert row.errors == []
    assert row.cohorts == [cohort, other]


def test_existing_teacher_is_reported_as_update_with_what_changes(
    school, other_school, cohort, track
):
    user = UserFactory(username="ahxi", name="阿赫西")
    ProfileFactory(user=user, school=school, subject="maths", is_seed_teacher=True)

    row = _plan(
        _csv([_row(other_school, 用户名="AHXI", 分组="seed2020", 研修方案="seed-2020")])
    ).rows[0]

    assert row.status == importer.UPDATE
    assert row.account == user
    assert {c.field: (c.old, c.new) for c in row.changes} == {
        "name": ("阿赫西", "阿赫溪"),
        "school": (school.name, other_school.name),
        "cohort": ("", cohort.name),
        "track": ("", track.name),
    }


def test_existing_teacher_matching_the_sheet_is_unchanged(school, cohort):
    user = UserFactory(username="ahxi", name="阿赫溪")
    ProfileFactory(user=user, school=school, subject="maths", is_seed_teacher=True)
    cohort.members.add(user)

    row = _plan(_csv([_row(school, 角色="", 分组="seed2020")])).rows[0]

    assert row.status == importer.UNCHANGED
    assert row.changes == []


@pytest.mark.parametrize("role", [Role.OFFICE, Role.TRAINER, Role.MENTOR])
def test_accounts_other_than_teachers_and_principals_are_not_changed(school, role):
    ProfileFactory(user=UserFactory(username="ahxi"), role=role, school=school)

    errors = _errors_of(_csv([_row(school)]))

    assert "is not a teacher or principal" in errors[0]


# Characters lost before the upload ------------------------------------------------

YI_NAME = "ꀊꁨꃀꑭ"
LOST = "characters were lost before the upload"


def test_a_gb18030_csv_keeps_yi_names(school):
    rows = [_row(school, 姓名=YI_NAME), _row(school, 用户名="jjmz", 姓名="吉克ꃀꐥ")]

    plan = _plan(_csv(rows, encoding="gb18030"))

    assert [row.name for row in plan.rows] == [YI_NAME, "吉克ꃀꐥ"]
    assert not plan.has_errors


@pytest.mark.parametrize(
    "name",
    [
        YI_NAME.encode("gbk", errors="replace").decode("gbk"),  # Excel's "CSV"
        "吉克" + "ꃀꐥ".encode("gbk", errors="replace").decode("gbk"),
        "阿?",  # one Yi syllable lost among Chinese ones
        "阿？？",
        "ꀊ\ufffd\ufffd",  # bytes a decoder could not read
    ],
)
def test_a_name_whose_characters_were_lost_is_refused_with_advice(school, name):
    errors = _errors_of(_csv([_row(school, 姓名=name)]))

    assert len(errors) == 1
    assert LOST in errors[0] and "姓名" in errors[0]
    assert "CSV UTF-8" in errors[0] and ".xlsx" in errors[0]


def test_lost_characters_in_an_xlsx_cell_are_refused_too(school, cohort):
    errors = _errors_of(_xlsx([_row(school, 姓名="阿\ufffd", 分组="????")]))

    assert LOST in errors[0] and "姓名、分组" in errors[0]


def test_one_question_mark_outside_the_name_is_not_taken_for_a_loss(school):
    errors = _errors_of(_csv([_row(school, 邮箱="what?@example.org")]))

    assert not any(LOST in error for error in errors)


def test_a_sheet_with_lost_names_creates_no_account(client, office, school):
    client.force_login(office)
    before = _written()
    garbled = YI_NAME.encode("gbk", errors="replace")  # what Excel wrote
    rows = [_row(school), _row(school, 用户名="yi01", 姓名=garbled.decode("gbk"))]

    response = client.get(_upload(client, _csv(rows, encoding="gbk")))

    html = response.content.decode()
    assert response.status_code == 200
    assert LOST in html
    assert response.context["counts"]["error"] == 1
    assert 'name="fingerprint"' not in html  # nothing can be confirmed
    assert _written() == before


# Views ---------------------------------------------------------------------------


def _upload(client, upload):
    response = client.post(START, {"file": upload})
    assert response.status_code == 302, response.content.decode()
    return response.url


def _confirm(client, preview_url):
    fingerprint = client.get(preview_url).context["plan"].fingerprint
    return client.post(f"{preview_url}confirm/", {"fingerprint": fingerprint})


def _written():
    return (
        User.objects.count(),
        Profile.objects.count(),
        TrackEnrolment.objects.count(),
        sum(c.members.count() for c in Cohort.objects.all()),
    )


@pytest.mark.parametrize("role_fixture", ["teacher", "principal", "trainer", "mentor"])
def test_import_pages_are_forbidden_to_everyone_but_the_office(
    client, request, role_fixture, school
):
    client.force_login(request.getfixturevalue(role_fixture))

    pages = [START, reverse("people:import_template"), f"{START}abc/"]
    assert [client.get(url).status_code for url in pages] == [403, 403, 403]
    assert client.post(START, {"file": _csv([_row(school)])}).status_code == 403
    assert client.post(f"{START}abc/confirm/").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(START)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_upload_page_links_the_template_and_lists_codes(client, office, school):
    client.force_login(office)

    response = client.get(START)

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("people:import_template") in html
    assert school.code in html


def test_template_is_utf8_with_bom_chinese_headings_and_an_example_row(
    client, office, school
):
    client.force_login(office)

    response = client.get(reverse("people:import_template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADINGS)
    sheet = importer.sheet_read(SimpleUploadedFile("t.csv", response.content))
    assert len(sheet.rows) == 1
    assert "example row" in importer.import_plan(sheet).rows[0].errors[0]


def test_bad_file_is_reported_on_the_upload_page(client, office):
    client.force_login(office)

    response = client.post(START, {"file": SimpleUploadedFile("a.doc", b"x")})

    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file" in response.content.decode()


def test_preview_shows_every_row_and_reason_and_writes_nothing(client, office, school):
    client.force_login(office)
    before = _written()
    rows = [_row(school), _row(school, 用户名="jjmz", 学校代码="nowhere")]

    response = client.get(_upload(client, _csv(rows)))

    html = response.content.decode()
    assert response.status_code == 200
    assert "ahxi" in html and "jjmz" in html
    assert "Unknown school code “nowhere”." in html
    assert response.context["counts"] == {
        "new": 1,
        "update": 0,
        "unchanged": 0,
        "error": 1,
    }
    assert 'name="fingerprint"' not in html  # no confirm button with errors
    assert _written() == before


def test_preview_can_show_only_rows_with_errors(client, office, school):
    client.force_login(office)
    rows = [_row(school), _row(school, 用户名="jjmz", 学校代码="nowhere")]
    url = _upload(client, _csv(rows))

    response = client.get(f"{url}?show=errors")

    assert [row.row for row in response.context["rows"]] == [3]


def test_confirm_creates_and_updates_everything_and_offers_passwords(
    client, office, school, other_school, cohort, track
):
    existing = UserFactory(username="jjmz", name="吉木子")
    ProfileFactory(user=existing, school=school)
    rows = [
        _row(school, 分组="seed2020", 研修方案="seed-2020"),
        _row(
            other_school, 用户名="ꆈꌠ", 姓名="ꆈꌠ", 角色="校长", 学科="", 种子教师=""
        ),
        _row(other_school, 用户名="JJMZ", 姓名="吉木子", 分组="2020 种子教师"),
    ]
    client.force_login(office)
    url = _upload(client, _xlsx(rows))

    response = _confirm(client, url)

    assert response.status_code == 302 and response.url == START
    ahxi = User.objects.get(username="ahxi")
    assert ahxi.must_change_password and ahxi.name == "阿赫溪"
    profile = ahxi.profile
    assert (profile.role, profile.school, profile.subject) == (
        "teacher",
        school,
        "maths",
    )
    assert profile.is_seed_teacher
    assert set(ahxi.groups.values_list("name", flat=True)) == {Role.TEACHER}
    assert list(ahxi.cohorts.all()) == [cohort]
    enrolment = TrackEnrolment.objects.get(user=ahxi, track=track)
    assert (enrolment.source, enrolment.enrolled_by) == (Source.IMPORT, office)
    yi = User.objects.get(username="ꆈꌠ")
    assert (yi.profile.role, yi.profile.school) == (Role.PRINCIPAL, other_school)
    existing.refresh_from_db()
    assert existing.profile.school == other_school
    assert list(existing.cohorts.all()) == [cohort]
    assert not existing.must_change_password
    page = client.get(START)
    assert "New accounts: 2; updated: 1." in page.content.decode()
    passwords = client.get(
        reverse("people:import_passwords", args=[url.split("/")[-2]])
    )
    assert passwords["Cache-Control"] == "no-store"
    table = list(csv.reader(io.StringIO(passwords.content.decode("utf-8-sig"))))
    assert table[0] == ["用户名", "姓名", "学校", "初始密码"]
    assert {row[0] for row in table[1:]} == {"ahxi", "ꆈꌠ"}
    for username, _name, _school, password in table[1:]:
        assert User.objects.get(username=username).check_password(password)
    assert client.get(url).url == START  # the preview is gone once imported


def test_confirm_fails_and_writes_nothing_when_accounts_changed_since_preview(
    client, office, school
):
    client.force_login(office)
    url = _upload(client, _csv([_row(school), _row(school, 用户名="jjmz")]))
    fingerprint = client.get(url).context["plan"].fingerprint
    ProfileFactory(user=UserFactory(username="jjmz"), school=school)
    before = _written()

    response = client.post(f"{url}confirm/", {"fingerprint": fingerprint}, follow=True)

    assert response.redirect_chain[-1][0] == url
    assert "changed since this preview" in response.content.decode()
    assert _written() == before
    assert not User.objects.filter(username="ahxi").exists()


def test_confirm_writes_nothing_when_the_sheet_has_errors(client, office, school):
    client.force_login(office)
    url = _upload(client, _csv([_row(school), _row(school, 学校代码="nowhere")]))
    before = _written()

    client.post(f"{url}confirm/", {"fingerprint": "forged"})

    assert _written() == before


def test_a_failure_while_writing_rolls_back_every_row(
    client, office, school, cohort, track, monkeypatch
):
    def failing_track_enrol(**kwargs):
        raise IntegrityError("duplicate key value")

    monkeypatch.setattr(importer_apply, "track_enrol", failing_track_enrol)
    rows = [
        _row(school, 分组="seed2020", 研修方案="seed-2020"),
        _row(school, 用户名="b"),
    ]
    client.force_login(office)
    url = _upload(client, _csv(rows))
    before = _written()

    response = _confirm(client, url)

    assert response.url == url
    assert _written() == before
    assert not User.objects.filter(username__in=["ahxi", "b"]).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Nothing was saved: duplicate key value"]


def test_a_username_taken_while_writing_rolls_back_every_row(
    school, office, monkeypatch
):
    sheet = importer.sheet_read(_csv([_row(school, 用户名="first"), _row(school)]))
    plan = importer.import_plan(sheet)
    # Another office user creates the account after the check, before the write.
    ProfileFactory(user=UserFactory(username="ahxi"), school=school)
    monkeypatch.setattr(importer_apply, "import_plan", lambda sheet: plan)
    before = _written()

    with pytest.raises(ValidationError):
        importer.import_apply(sheet=sheet, fingerprint=plan.fingerprint, by=office)

    assert _written() == before
    assert not User.objects.filter(username="first").exists()


def test_import_can_make_a_teacher_principal(school, office):
    user = UserFactory(username="ahxi", name="阿赫溪")
    ProfileFactory(user=user, school=school, subject="maths", is_seed_teacher=True)
    sheet = importer.sheet_read(_csv([_row(school, 角色="校长")]))
    plan = importer.import_plan(sheet)
    assert [c.field for c in plan.rows[0].changes] == ["role"]

    outcome = importer.import_apply(
        sheet=sheet, fingerprint=plan.fingerprint, by=office
    )

    user.profile.refresh_from_db()
    assert (outcome.created, outcome.updated) == (0, 1)
    assert user.profile.role == Role.PRINCIPAL
    assert set(user.groups.values_list("name", flat=True)) == {Role.PRINCIPAL}


def test_preview_from_another_upload_or_session_is_refused(client, office, school):
    client.force_login(office)
    first = _upload(client, _csv([_row(school)]))
    _upload(client, _csv([_row(school, 用户名="jjmz")]))

    response = client.post(f"{first}confirm/", {"fingerprint": "x"})

    assert response.url == START
    assert not User.objects.filter(username="ahxi").exists()


def test_cancel_drops_the_preview(client, office, school):
    client.force_login(office)
    url = _upload(client, _csv([_row(school)]))

    client.post(f"{url}discard/")

    assert client.get(url).url == START


def test_initial_passwords_expire_from_the_session(client, office, school):
    client.force_login(office)
    url = _upload(client, _csv([_row(school)]))
    _confirm(client, url)
    session = client.session
    result = session[views_import.RESULT_KEY]
    result["saved_at"] = time.time() - views_import.PASSWORDS_KEPT_SECONDS - 1
    session[views_import.RESULT_KEY] = result
    session.save()

    response = client.get(reverse("people:import_passwords", args=[result["token"]]))

    assert response.status_code == 302
    assert client.session[views_import.RESULT_KEY]["credentials"] == []


def test_initial_passwords_use_lighter_pbkdf2_rounds_that_django_upgrades(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    encoded = importer_apply._initial_password_hash("abcd2345ef")

    assert encoded.startswith(
        f"pbkdf2_sha256${importer_apply.INITIAL_PASSWORD_ITERATIONS}$"
    )
    assert check_password("abcd2345ef", encoded)
    assert get_hasher().must_update(encoded)


def _preview_queries(client, school, count) -> int:
    rows = [
        [*row[:6], f"{row[0]}@example.org", "seed2020", "seed-2020"]
        for row in _teachers(school, count)
    ]
    url = _upload(client, _csv(rows))
    client.get(url)  # warm the cache (the navigation's catalog link)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["counts"]["error"] == 0
    return len(queries)


def test_preview_queries_do_not_grow_with_rows(client, office, school, cohort, track):
    for n in range(25):  # half of the 50 rows update existing teachers
        user = UserFactory(username=f"teacher{n}")
        ProfileFactory(user=user, school=school)
        cohort.members.add(user)
    client.force_login(office)

    # 2 to sign in (session, user with profile; the permissions and the
    # navigation's catalog link are kept in the cache); 7 for the plan
    # (schools, cohorts, tracks, accounts with profiles, emails in use, cohort
    # memberships, track enrolments)
    assert _preview_queries(client, school, 5) == QUERY_BUDGET
    assert _preview_queries(client, school, 50) == QUERY_BUDGET


def test_a_full_school_name_in_the_code_column_is_understood(office, school):
    plan = _plan(_csv([_row(school, 学校代码=school.name)]))

    assert plan.rows[0].school == school
    assert plan.rows[0].errors == []
