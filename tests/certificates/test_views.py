"""Certificates for holders, principals and the programme office: who may see
and do what, issuing (single and bulk), revoking, and query budgets."""

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from certificates import pdf as pdf_module
from certificates.models import AuditEntry, Certificate, IssuanceBatch
from courses.models import TrackCompletion, TrackEnrolment, TrackRequirementProgress
from courses.models.learning import CompletionStatus
from people.models import Role
from tests.factories import (
    CertificateFactory,
    CertificateTemplateFactory,
    ProfileFactory,
    TrackFactory,
    UserFactory,
)

# Taken before the autouse fixture swaps it for a fast stand-in.
REAL_RENDER_CERTIFICATE_PDF = pdf_module.render_certificate_pdf

pytestmark = pytest.mark.django_db

MINE, SCHOOL, OFFICE = (
    "/certificates/",
    "/school/certificates/",
    "/office/certificates/",
)
ISSUE, BULK = f"{OFFICE}issue/", f"{OFFICE}bulk/"


@pytest.fixture
def client(client):
    """Pages in English, so that messages can be asserted word for word."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _person(role, school):
    user = UserFactory()
    ProfileFactory(user=user, role=role, school=school)
    return user


@pytest.fixture
def colleague(school):
    return _person(Role.TEACHER, school)


@pytest.fixture
def other_principal(other_school):
    return _person(Role.PRINCIPAL, other_school)


@pytest.fixture
def seed_track(db):
    return TrackFactory(name="种子教师研修")


@pytest.fixture
def certificate(teacher, seed_track):
    return CertificateFactory(holder=teacher, track=seed_track)


def _complete(user, track, **fields):
    """A completion row as the courses services would leave it."""
    TrackEnrolment.objects.get_or_create(user=user, track=track)
    values = {"status": CompletionStatus.COMPLETED, "hours_earned": Decimal("48.0")}
    values.update(fields)
    completion = TrackCompletion.objects.create(user=user, track=track, **values)
    TrackRequirementProgress.objects.create(
        user=user,
        track=track,
        kind="required_courses",
        done=completion.required_completed,
        needed=completion.required_total,
    )
    return completion


def _halfway(user, track):
    return _complete(
        user,
        track,
        status=CompletionStatus.IN_PROGRESS,
        required_completed=1,
        required_total=3,
        hours_earned=Decimal("12.0"),
    )


# My certificates


def test_my_certificates_lists_only_my_own_with_their_state(
    client, teacher, colleague, seed_track
):
    issued = CertificateFactory(holder=teacher, track=seed_track)
    revoked = CertificateFactory(
        holder=teacher, status="revoked", subject="已撤销的证书"
    )
    pending = CertificateFactory(holder=teacher, status="pending", pdf="")
    someone_elses = CertificateFactory(holder=colleague)
    client.force_login(teacher)

    response = client.get(MINE)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["certificates"] == [pending, revoked, issued]
    assert someone_elses.serial not in html
    assert reverse("certificates:download", args=[issued.serial]) in html
    assert reverse("certificates:download", args=[revoked.serial]) not in html
    assert reverse("certificates:download", args=[pending.serial]) not in html
    assert "revoked" in html
    assert "The PDF is being prepared" in html
    for fact in [issued.serial, "种子教师研修", "48", "2021-12-20"]:
        assert fact in html


def test_my_certificates_needs_login(client, db):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [3, 30])
def test_my_certificates_query_count_does_not_grow(
    client, teacher, count, django_assert_num_queries
):
    CertificateFactory.create_batch(count, holder=teacher)
    client.force_login(teacher)

    # 6 whatever the number: session, user (with profile and school), the
    # certificates, the user's and their groups' permissions (principal link)
    # and the catalog's URL (navigation); the last three are kept in the
    # cache after this first request.
    with django_assert_num_queries(6):
        response = client.get(MINE)

    assert len(response.context["certificates"]) == count


# Download


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("teacher", 200),  # the holder
        ("colleague", 404),
        ("principal", 200),
        ("other_principal", 404),
        ("office", 200),
        ("admin_user", 200),
        ("trainer", 404),
        ("mentor", 404),
    ],
)
def test_download_is_for_holder_office_and_principal_only(
    client, request, certificate, who, status
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/certificates/{certificate.serial}/download/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{certificate.serial}.pdf"'
        )
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_of_an_unknown_serial_looks_like_any_refusal(client, teacher):
    client.force_login(teacher)

    assert client.get("/certificates/HX-2099-000001/download/").status_code == 404


def test_download_needs_login(client, certificate):
    response = client.get(f"/certificates/{certificate.serial}/download/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("status", ["pending", "revoked"])
def test_pending_and_revoked_certificates_are_not_downloadable(client, teacher, status):
    certificate = CertificateFactory(holder=teacher, status=status)
    client.force_login(teacher)

    response = client.get(f"/certificates/{certificate.serial}/download/")

    assert response.status_code == 404


def test_issued_certificate_downloads_the_pdf_the_renderer_made(
    client,
    teacher,
    office,
    seed_track,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """End to end with the real renderer: issue, render on commit, download."""
    monkeypatch.setattr(
        pdf_module, "render_certificate_pdf", REAL_RENDER_CERTIFICATE_PDF
    )
    _complete(teacher, seed_track)
    client.force_login(office)
    template = CertificateTemplateFactory()
    choices = {
        "holder": teacher.username,
        "track": seed_track.pk,
        "template": template.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ISSUE, {**choices, "confirm": _token(choices)})
    certificate = Certificate.objects.get(holder=teacher)
    assert certificate.status == Certificate.Status.ISSUED
    client.force_login(teacher)

    response = client.get(f"/certificates/{certificate.serial}/download/")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.startswith(b"%PDF")
    assert len(body) > 10_000  # fonts embedded, not a stand-in
    assert certificate.pdf_sha256 == hashlib.sha256(body).hexdigest()


# Principal's school list


def test_principal_sees_certificates_of_own_school_staff_only(
    client, principal, certificate, other_school
):
    stranger = CertificateFactory(holder=_person(Role.TEACHER, other_school))
    client.force_login(principal)

    response = client.get(SCHOOL)

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page"]) == [certificate]
    assert certificate.holder_name in html
    assert stranger.serial not in html


def test_principal_of_another_school_does_not_see_them(
    client, other_principal, certificate
):
    client.force_login(other_principal)

    response = client.get(SCHOOL)

    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_school_list_filters_by_track(client, principal, teacher, certificate):
    other = CertificateFactory(holder=teacher)
    client.force_login(principal)

    response = client.get(SCHOOL, {"track": other.track_id})

    assert list(response.context["page"]) == [other]


@pytest.mark.parametrize("who", ["teacher", "trainer", "mentor"])
def test_school_list_is_forbidden_to_non_principals(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(SCHOOL).status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_school_list_query_count_does_not_grow(
    client, principal, school, count, django_assert_num_queries
):
    for _ in range(count):
        CertificateFactory(holder=_person(Role.TEACHER, school))
    client.force_login(principal)

    # 10 whatever the number: session, user (with profile and school: the
    # visible schools), the user's and their groups' permissions, the count
    # and the page of certificates (the visible schools are a subquery of
    # both), the choices of the track, course and school filters, and the
    # catalog's URL (nav); permissions and URL are then kept in the cache.
    with django_assert_num_queries(10):
        response = client.get(SCHOOL)

    assert len(response.context["page"]) == count


# Office list


@pytest.mark.parametrize("who", ["teacher", "principal", "trainer", "mentor"])
def test_office_pages_are_forbidden_outside_the_office(client, request, who, db):
    batch = IssuanceBatch.objects.create(template=CertificateTemplateFactory())
    certificate = CertificateFactory()
    client.force_login(request.getfixturevalue(who))

    for path in [
        OFFICE,
        ISSUE,
        BULK,
        f"{OFFICE}{certificate.pk}/revoke/",
        f"{BULK}{batch.pk}/",
        f"{BULK}{batch.pk}/progress/",
        f"{BULK}{batch.pk}/download/",
    ]:
        assert client.get(path).status_code == 403, path
    assert (
        client.post(f"{OFFICE}{certificate.pk}/revoke/", {"reason": "x"}).status_code
        == 403
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


@pytest.mark.parametrize("path", [OFFICE, ISSUE, BULK])
def test_office_pages_need_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_office_list_filters_and_searches(client, office, teacher, other_school):
    mine = CertificateFactory(holder=teacher, holder_name="吉克阿呷")
    revoked = CertificateFactory(
        holder=_person(Role.TEACHER, other_school), status="revoked"
    )
    client.force_login(office)

    def listed(**params):
        return list(client.get(OFFICE, params).context["page"])

    assert listed() == [revoked, mine]
    assert listed(status="revoked") == [revoked]
    assert listed(school=other_school.pk) == [revoked]
    assert listed(q="阿呷") == [mine]
    assert listed(q=revoked.serial) == [revoked]
    assert listed(q=teacher.username) == [mine]
    assert listed(track=mine.track_id) == [mine]


def test_office_list_links_to_revoke(client, office, certificate):
    client.force_login(office)

    html = client.get(OFFICE).content.decode()

    assert f"{OFFICE}{certificate.pk}/revoke/" in html


@pytest.mark.parametrize("count", [3, 30])
def test_office_list_query_count_does_not_grow(
    client, office, count, django_assert_num_queries
):
    CertificateFactory.create_batch(count)
    client.force_login(office)

    # 11 whatever the number: session, user (with profile), the user's and
    # their groups' permissions, the count and the page of certificates,
    # recent batches (tracks and courses joined), the choices of the track,
    # course and school filters, and the catalog's URL (navigation);
    # permissions and URL are then kept in the cache.
    with django_assert_num_queries(11):
        response = client.get(OFFICE)

    assert len(response.context["page"]) == count


# Issuing one certificate


def _token(choices: dict) -> str:
    """The confirm value of the issue form: its choices in field order."""
    return "|".join(
        str(choices.get(k, "")) for k in ["holder", "track", "course", "template"]
    )


@pytest.fixture
def issue_choices(teacher, seed_track):
    template = CertificateTemplateFactory()
    return {"holder": teacher.username, "track": seed_track.pk, "template": template.pk}


def test_issue_shows_eligibility_then_issues_on_confirm(
    client,
    office,
    teacher,
    seed_track,
    issue_choices,
    django_capture_on_commit_callbacks,
):
    _complete(teacher, seed_track)
    client.force_login(office)

    preview = client.post(ISSUE, issue_choices)

    html = preview.content.decode()
    assert "has completed it" in html
    assert 'name="override_reason"' not in html
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ISSUE, {**issue_choices, "confirm": _token(issue_choices)}
        )

    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response.url == f"{OFFICE}?q={certificate.serial}"
    assert certificate.holder == teacher
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_by == office
    assert AuditEntry.objects.filter(
        certificate=certificate, action=AuditEntry.Action.ISSUE
    ).exists()


def test_issue_to_ineligible_shows_reasons_and_needs_a_justification(
    client, office, teacher, seed_track, issue_choices
):
    _halfway(teacher, seed_track)
    client.force_login(office)
    confirm = {**issue_choices, "confirm": _token(issue_choices)}

    preview = client.post(ISSUE, issue_choices)
    refused = client.post(ISSUE, {**confirm, "override_reason": "  "})

    assert "Required courses: 1 of 3 completed." in preview.content.decode()
    assert 'name="override_reason"' in preview.content.decode()
    assert refused.status_code == 400
    assert "Not eligible" in refused.content.decode()
    assert not Certificate.objects.exists()

    issued = client.post(ISSUE, {**confirm, "override_reason": "线下补修，已核实"})

    certificate = Certificate.objects.get()
    assert issued.status_code == 302
    assert certificate.override_reason == "线下补修，已核实"
    assert AuditEntry.objects.get(certificate=certificate).action == "override"


def test_issue_confirm_for_other_choices_only_previews(
    client, office, teacher, seed_track, issue_choices
):
    _complete(teacher, seed_track)
    client.force_login(office)
    other_track = TrackFactory()

    response = client.post(
        ISSUE,
        {**issue_choices, "track": other_track.pk, "confirm": _token(issue_choices)},
    )

    assert response.status_code == 200
    assert not Certificate.objects.exists()


def test_issue_says_when_the_holder_already_has_one(
    client, office, certificate, issue_choices
):
    client.force_login(office)

    response = client.post(ISSUE, issue_choices)

    html = response.content.decode()
    assert f"already holds certificate {certificate.serial}" in html
    assert 'name="confirm"' not in html


def test_issue_confirmed_for_a_holder_who_has_one_issues_nothing_more(
    client, office, certificate, issue_choices
):
    client.force_login(office)

    response = client.post(ISSUE, {**issue_choices, "confirm": _token(issue_choices)})

    assert response.status_code == 200
    assert Certificate.objects.get() == certificate


def test_issue_refuses_unknown_holder_and_both_track_and_course(
    client, office, issue_choices, course
):
    client.force_login(office)

    unknown = client.post(ISSUE, {**issue_choices, "holder": "nobody"})
    both = client.post(ISSUE, {**issue_choices, "course": course.pk})

    assert "No teacher or principal has that username." in unknown.content.decode()
    assert "Choose a track or a course, not both." in both.content.decode()


# Revoking


def test_revoke_asks_for_a_reason_then_revokes(client, office, certificate):
    client.force_login(office)
    url = f"{OFFICE}{certificate.pk}/revoke/"

    page = client.get(url)
    missing = client.post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert page.status_code == 200
    assert certificate.serial in page.content.decode()
    assert missing.status_code == 400
    assert certificate.status == Certificate.Status.ISSUED

    response = client.post(url, {"reason": "证书信息有误"})

    certificate.refresh_from_db()
    assert response.status_code == 302
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "证书信息有误"
    assert (
        "Revoked"
        in client.get(f"/verify/{certificate.verification_code}/").content.decode()
    )


def test_revoking_twice_is_refused(client, office, certificate):
    client.force_login(office)
    url = f"{OFFICE}{certificate.pk}/revoke/"
    client.post(url, {"reason": "第一次"})

    again = client.post(url, {"reason": "第二次"})

    certificate.refresh_from_db()
    assert again.status_code == 400
    assert "This certificate was revoked on" in again.content.decode()
    assert certificate.revocation_reason == "第一次"


# Bulk issuance


@pytest.fixture
def cohort_of_four(seed_track, school):
    """Enrolled in the track: one finished, one finished and certified, one
    half-way, one who has not started."""
    people = {
        name: _person(Role.TEACHER, school)
        for name in ["finished", "certified", "halfway", "not_started"]
    }
    _complete(people["finished"], seed_track)
    _complete(people["certified"], seed_track)
    _halfway(people["halfway"], seed_track)
    TrackEnrolment.objects.create(user=people["not_started"], track=seed_track)
    people["certificate"] = CertificateFactory(
        holder=people["certified"], track=seed_track
    )
    return people


@pytest.fixture
def bulk_choices(seed_track):
    return {"track": seed_track.pk, "template": CertificateTemplateFactory().pk}


def _bulk_token(choices):
    return "|".join(
        str(choices.get(k, ""))
        for k in ["track", "course", "school", "cohort", "template"]
    )


def test_bulk_preview_shows_who_gets_one_and_why_not(
    client, office, cohort_of_four, bulk_choices
):
    client.force_login(office)

    response = client.post(BULK, bulk_choices)

    preview = response.context["preview"]
    html = response.content.decode()
    assert [r.user for r in preview["eligible"]] == [cohort_of_four["finished"]]
    assert [r.user for r in preview["already"]] == [cohort_of_four["certified"]]
    assert {r.user for r in preview["ineligible"]} == {
        cohort_of_four["halfway"],
        cohort_of_four["not_started"],
    }
    assert "Required courses: 1 of 3 completed." in html
    assert "Not enrolled, or nothing started yet." in html
    assert cohort_of_four["certificate"].serial in html
    assert not IssuanceBatch.objects.exists()


def test_bulk_confirm_issues_and_progress_reports_it(
    client, office, cohort_of_four, bulk_choices, django_capture_on_commit_callbacks
):
    client.force_login(office)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BULK, {**bulk_choices, "confirm": _bulk_token(bulk_choices)}
        )

    batch = IssuanceBatch.objects.get()
    assert response.status_code == 302
    assert response.url == f"{BULK}{batch.pk}/"
    assert list(batch.certificates.values_list("holder", "status")) == [
        (cohort_of_four["finished"].pk, "issued")
    ]
    progress = client.get(f"{BULK}{batch.pk}/progress/").json()
    assert progress == {
        "total": 1,
        "issued": 1,
        "percent": 100,
        "done": True,
        "archive_url": f"{BULK}{batch.pk}/download/",
        "archive_pending": False,
        "finished": True,
    }
    page = client.get(response.url).content.decode()
    assert "<progress" in page
    assert "js/job-progress.js" in page
    assert f"{BULK}{batch.pk}/download/" in page

    archive = client.get(f"{BULK}{batch.pk}/download/")

    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    serial = batch.certificates.get().serial
    assert names == [f"{serial}-{cohort_of_four['finished'].name}.pdf"]


def test_bulk_confirm_sent_twice_leads_to_the_one_batch(
    client, office, cohort_of_four, bulk_choices
):
    client.force_login(office)
    confirm = {**bulk_choices, "confirm": _bulk_token(bulk_choices)}

    first = client.post(BULK, confirm)
    second = client.post(BULK, confirm)  # a double click, or the back button

    batch = IssuanceBatch.objects.get()
    assert first.url == second.url == f"{BULK}{batch.pk}/"
    assert batch.certificates.count() == 1


def test_bulk_confirm_with_nobody_left_says_so_and_writes_nothing(
    client, office, cohort_of_four, bulk_choices
):
    client.force_login(office)
    cohort_of_four["finished"].track_enrolments.all().delete()
    confirm = {**bulk_choices, "confirm": _bulk_token(bulk_choices)}

    response = client.post(BULK, confirm)

    assert response.status_code == 400
    assert "nothing was issued" in response.content.decode()
    assert not IssuanceBatch.objects.exists()


def test_bulk_progress_of_a_running_batch(client, office, seed_track, teacher):
    batch = IssuanceBatch.objects.create(
        track=seed_track, template=CertificateTemplateFactory(), created_by=office
    )
    CertificateFactory(batch=batch, track=seed_track)
    CertificateFactory(batch=batch, status="pending", pdf="", track=seed_track)
    client.force_login(office)

    progress = client.get(f"{BULK}{batch.pk}/progress/").json()
    download = client.get(f"{BULK}{batch.pk}/download/")
    page = client.get(f"{BULK}{batch.pk}/").content.decode()

    # The link's paragraph carries "hidden": the button class would override it.
    assert '<p data-show-if="archive_url" hidden>' in page
    assert 'value="50"' in page and 'max="100"' in page
    assert progress == {
        "total": 2,
        "issued": 1,
        "percent": 50,
        "done": False,
        "archive_url": None,
        "archive_pending": True,
        "finished": False,
    }
    assert download.status_code == 404


# Navigation


def test_navigation_offers_certificates_to_each_role(client, teacher, office):
    client.force_login(teacher)
    teacher_nav = client.get("/me/").context["nav_items"]
    client.force_login(office)
    office_nav = client.get("/me/").context["nav_items"]

    assert {"label": "My certificates", "url": MINE, "active": False} in teacher_nav
    assert OFFICE not in [item["url"] for item in teacher_nav]
    assert {"label": "Certificates", "url": OFFICE, "active": False} in office_nav


# Wagtail admin


def test_office_previews_a_template_as_pdf(client, office):
    template = CertificateTemplateFactory()
    client.force_login(office)

    response = client.get(f"/cms/certificate-templates/{template.pk}/preview.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("who", "status"),
    # Wagtail sends admin users without the permission back to the dashboard;
    # people without admin access get a plain 403 (people.middleware).
    [("teacher", 403), ("trainer", 302)],
)
def test_template_preview_is_for_the_office_only(client, request, who, status):
    template = CertificateTemplateFactory()
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/cms/certificate-templates/{template.pk}/preview.pdf")

    assert response.status_code == status
    assert response["Content-Type"] != "application/pdf"


def test_template_listing_links_to_the_pdf_preview(client, office):
    template = CertificateTemplateFactory()
    client.force_login(office)

    response = client.get("/cms/snippets/certificates/certificatetemplate/")

    assert response.status_code == 200
    html = response.content.decode()
    assert template.name in html
    assert f"/cms/certificate-templates/{template.pk}/preview.pdf" in html


def test_office_reads_but_cannot_write_the_audit_log(
    client, office, admin_user, certificate
):
    AuditEntry.objects.create(
        action=AuditEntry.Action.ISSUE, actor=office, certificate=certificate
    )
    entry = AuditEntry.objects.get()
    client.force_login(office)
    base = "/cms/snippets/certificates/auditentry/"

    listing = client.get(base)
    inspect = client.get(f"{base}inspect/{entry.pk}/")

    assert listing.status_code == 200
    assert certificate.serial in listing.content.decode()
    assert inspect.status_code == 200
    for user in (office, admin_user):
        client.force_login(user)
        assert client.get(f"{base}add/").status_code != 200
        assert client.get(f"{base}edit/{entry.pk}/").status_code != 200
        assert client.post(f"{base}delete/{entry.pk}/").status_code != 200
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
