"""Scoping on every report URL and export: a principal sees their own
school(s) only, and an id edited in the URL to another school's gets the same
404 as an id that does not exist; teachers see only their own transcript."""

import pytest
from django.urls import reverse

from people.models import Role
from reports.models import ExportJob

from .conftest import make_person

pytestmark = pytest.mark.django_db
SCHOOL, OFFICE = "/reports/school/", "/reports/office/"


def _names(response):
    return {row.user.name for row in response.context["matrix"].rows}


def test_principal_matrix_shows_only_their_school(client, programme):
    client.force_login(programme.principal)

    response = client.get(SCHOOL)

    assert response.status_code == 200
    assert _names(response) == {"ꀊꁨꃀꑭ", "阿西莫色", "刘芳"}
    assert "外校教师" not in response.content.decode()


@pytest.mark.parametrize("value", ["other", "999999", "abc", "-1"])
def test_principal_editing_the_school_id_gets_nothing(client, programme, value):
    client.force_login(programme.principal)
    school = str(programme.other_school.pk) if value == "other" else value

    response = client.get(SCHOOL, {"school": school})

    assert response.status_code == 404
    assert "外校教师" not in response.content.decode()
    assert programme.other_school.name not in response.content.decode()


def test_principal_of_two_schools_sees_both_and_each(client, programme):
    programme.principal.profile.supervised_schools.add(programme.other_school)
    client.force_login(programme.principal)

    both = client.get(SCHOOL)
    one = client.get(SCHOOL, {"school": programme.other_school.pk})

    assert _names(both) == {"ꀊꁨꃀꑭ", "阿西莫色", "刘芳", "外校教师"}
    assert _names(one) == {"外校教师"}


def test_office_drills_down_to_any_supported_school(client, programme, office):
    client.force_login(office)

    response = client.get(SCHOOL, {"school": programme.other_school.pk})

    assert response.status_code == 200
    assert _names(response) == {"外校教师"}


@pytest.mark.parametrize("role", [Role.TEACHER, Role.MENTOR, Role.TRAINER])
def test_others_may_not_read_school_or_office_reports(client, programme, role):
    client.force_login(make_person(programme.school, role=role))

    assert client.get(SCHOOL).status_code == 403
    assert client.get(OFFICE).status_code == 403


def test_principal_may_not_read_the_office_overview(client, programme):
    client.force_login(programme.principal)

    assert client.get(OFFICE).status_code == 403


@pytest.mark.parametrize("path", [SCHOOL, OFFICE, "/reports/teachers/1/"])
def test_anonymous_is_sent_to_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def _transcript(person, suffix=""):
    return reverse("reports:transcript", args=[person.pk]) + suffix


def test_transcripts_follow_the_principals_schools(client, programme):
    client.force_login(programme.principal)

    assert client.get(_transcript(programme.seed)).status_code == 200
    assert client.get(_transcript(programme.other)).status_code == 404
    assert client.get(_transcript(programme.other, "pdf/")).status_code == 404
    assert client.get("/reports/teachers/999999/").status_code == 404


def test_teacher_reads_only_their_own_transcript(client, programme):
    client.force_login(programme.maths)

    assert client.get(_transcript(programme.maths)).status_code == 200
    assert client.get(_transcript(programme.seed)).status_code == 404


def test_office_reads_any_transcript(client, programme, office):
    client.force_login(office)

    assert client.get(_transcript(programme.other)).status_code == 200


def _export(client, table, query="", fmt="csv"):
    return client.post(f"/reports/export/{table}/?{query}", {"fmt": fmt})


def test_exports_are_scoped_like_the_pages(client, programme):
    client.force_login(programme.principal)
    other = programme.other_school.pk

    assert _export(client, "matrix", f"school={other}").status_code == 404
    assert (
        _export(client, "transcript", f"teacher={programme.other.pk}").status_code
        == 404
    )
    assert _export(client, "schools").status_code == 404  # an office table
    own = _export(client, "matrix")
    assert own.status_code == 200
    content = own.content.decode("utf-8-sig")
    assert "ꀊꁨꃀꑭ" in content and "外校教师" not in content


def test_teacher_cannot_export_school_tables(client, programme):
    client.force_login(programme.maths)

    assert _export(client, "matrix").status_code == 403
    assert (
        _export(client, "transcript", f"teacher={programme.seed.pk}").status_code == 404
    )


def test_export_jobs_belong_to_whoever_started_them(client, programme, office):
    job = ExportJob.objects.create(
        requested_by=office, table="matrix", fmt="csv", fingerprint="x", title="t"
    )
    client.force_login(programme.principal)

    for name in ("export_job", "export_progress", "export_download"):
        assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404
