from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates.models import AuditEntry, Certificate, SerialCounter
from certificates.services import (
    certificate_issue,
    certificate_render,
    certificate_revoke,
    eligibility_for,
    reserve_serials,
)
from courses import services as course_services
from courses.models import CoursePage, Track
from people.models import User
from tests.helpers import at_once

from .conftest import fake_pdf_bytes, sha256, stored_pdfs

NOT_STARTED = "Not enrolled, or nothing started yet."


def _issue(holder, template, office, **target):
    return certificate_issue(
        holder=holder, template=template, issued_by=office, **target
    )


# Eligibility -----------------------------------------------------------------


def test_completed_course_is_eligible(teacher, course, complete_course):
    complete_course(teacher, course)

    eligibility = eligibility_for(user=teacher, course=course)

    assert (eligibility.eligible, eligibility.missing) == (True, [])


def test_course_with_lessons_left_is_refused_naming_the_lessons(
    teacher, course, complete_course
):
    course_services.enrolment_create(user=teacher, course=course, source="office")
    course_services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])

    eligibility = eligibility_for(user=teacher, course=course)

    assert eligibility.eligible is False
    assert eligibility.missing == ["Lessons completed: 1 of 2."]


def test_course_not_enrolled_is_refused(teacher, course):
    eligibility = eligibility_for(user=teacher, course=course)

    assert (eligibility.eligible, eligibility.missing) == (False, [NOT_STARTED])


def test_completed_track_is_eligible(teacher, track, finish_track):
    finish_track(teacher, track)

    eligibility = eligibility_for(user=teacher, track=track)

    assert (eligibility.eligible, eligibility.missing) == (True, [])


def test_incomplete_track_is_refused_with_every_missing_requirement(
    teacher, track, track_courses, complete_course
):
    Track.objects.filter(pk=track.pk).update(min_placement_days=5)
    track.refresh_from_db()
    course_services.track_enrol(track=track, users=[teacher])
    complete_course(teacher, track_courses[0])  # one of the two required

    eligibility = eligibility_for(user=teacher, track=track)

    assert eligibility.eligible is False
    assert eligibility.missing == [
        "Required courses: 1 of 2 completed.",
        "Elective hours: 0.0 of 2.0.",
        "Job-shadowing days: 0 of 5.",
    ]


def test_track_refusal_names_only_what_is_still_missing(teacher, track, finish_track):
    # Every course done, but placements (not recorded yet) give no days.
    Track.objects.filter(pk=track.pk).update(min_placement_days=3)
    track.refresh_from_db()
    finish_track(teacher, track)

    eligibility = eligibility_for(user=teacher, track=track)

    assert (eligibility.eligible, eligibility.missing) == (
        False,
        ["Job-shadowing days: 0 of 3."],
    )


def test_track_not_enrolled_is_refused(teacher, track, complete_course, track_courses):
    # Completing the courses alone does not enrol anyone in the track.
    for course in track_courses:
        complete_course(teacher, course)

    eligibility = eligibility_for(user=teacher, track=track)

    assert (eligibility.eligible, eligibility.missing) == (False, [NOT_STARTED])


# Issuing ---------------------------------------------------------------------


def test_certificate_issue_rejects_incomplete_track_without_justification(
    teacher, office, template, track
):
    course_services.track_enrol(track=track, users=[teacher])

    with pytest.raises(ValidationError) as refused:
        _issue(teacher, template, office, track=track)

    assert "Required courses: 0 of 2 completed." in str(refused.value)
    assert not Certificate.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not SerialCounter.objects.exists()  # no serial spent on a refusal


def test_certificate_issue_rejects_a_blank_justification(
    teacher, office, template, course
):
    with pytest.raises(ValidationError):
        certificate_issue(
            holder=teacher,
            template=template,
            issued_by=office,
            course=course,
            override_reason="   ",
        )

    assert not Certificate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_certificate_issue_with_justification_records_the_override(
    teacher, office, template, track
):
    course_services.track_enrol(track=track, users=[teacher])
    reason = "跟岗研修因疫情改为线上，经项目办批准。"

    certificate = certificate_issue(
        holder=teacher,
        template=template,
        issued_by=office,
        track=track,
        override_reason=f"  {reason} ",
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.override_reason) == ("pending", reason)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.certificate) == (
        "override",
        office,
        certificate,
    )
    assert entry.details == {
        "missing": [
            "Required courses: 0 of 2 completed.",
            "Elective hours: 0.0 of 2.0.",
        ],
        "justification": reason,
    }


def test_certificate_issue_for_a_completed_course_records_holder_and_audit(
    make_teacher, office, template, course, complete_course
):
    teacher = make_teacher(name="沙马伍呷 ꀊꁨꃀꑭ")
    complete_course(teacher, course)

    certificate = _issue(teacher, template, office, course=course)

    certificate.refresh_from_db()
    assert certificate.holder_name == "沙马伍呷 ꀊꁨꃀꑭ"
    assert certificate.holder_school == teacher.profile.school.name
    assert (certificate.subject, certificate.hours) == (course.title, Decimal("2.0"))
    assert (certificate.status, certificate.override_reason) == ("pending", "")
    assert certificate.issued_on == timezone.localdate()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.certificate) == (
        "issue",
        office,
        certificate,
    )
    assert entry.details["missing"] == []


def test_certificate_issue_for_a_track_records_the_hours_earned(
    teacher, office, template, track, finish_track
):
    finish_track(teacher, track)

    certificate = _issue(teacher, template, office, track=track)

    # Two required courses and the elective, 2 hours each.
    assert (certificate.subject, certificate.hours) == (track.name, Decimal("6.0"))
    assert AuditEntry.objects.get().action == "issue"


@pytest.mark.parametrize("target", ["neither", "both"])
def test_certificate_issue_needs_exactly_one_of_track_and_course(
    teacher, office, template, track, course, target
):
    targets = {} if target == "neither" else {"track": track, "course": course}

    with pytest.raises(ValidationError):
        _issue(teacher, template, office, **targets)

    assert not Certificate.objects.exists()


def test_certificate_issue_renders_the_pdf_after_commit(
    teacher,
    office,
    template,
    course,
    complete_course,
    django_capture_on_commit_callbacks,
):
    complete_course(teacher, course)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(teacher, template, office, course=course)
        assert Certificate.objects.get().status == "pending"  # not before commit

    certificate.refresh_from_db()
    assert certificate.status == "issued"
    # Serials are sequential: the stored name is a keyed hash, not the serial.
    assert certificate.pdf.name.startswith("certificates/")
    assert certificate.serial not in certificate.pdf.name
    assert certificate.pdf.read().startswith(b"%PDF")


# Idempotency -----------------------------------------------------------------


def test_issuing_twice_returns_the_same_certificate(
    teacher, office, template, course, complete_course
):
    complete_course(teacher, course)

    first = _issue(teacher, template, office, course=course)
    second = _issue(teacher, template, office, course=course)

    assert second.pk == first.pk
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.count() == 1
    assert SerialCounter.objects.get().last == 1  # no serial spent on the repeat


def test_issuing_twice_with_an_override_returns_the_same_certificate(
    teacher, office, template, course
):
    first = certificate_issue(
        holder=teacher,
        template=template,
        issued_by=office,
        course=course,
        override_reason="补发",
    )
    second = certificate_issue(
        holder=teacher,
        template=template,
        issued_by=office,
        course=course,
        override_reason="补发",
    )

    assert second.pk == first.pk
    assert AuditEntry.objects.filter(action="override").count() == 1


def _certificate(holder, template, serial, status="pending", **target):
    return Certificate.objects.create(
        serial=serial,
        holder=holder,
        holder_name="x",
        subject="x",
        hours=1,
        issued_on=timezone.localdate(),
        template=template,
        status=status,
        **target,
    )


@pytest.mark.parametrize("status", ["pending", "issued"])
def test_database_refuses_a_second_valid_certificate_for_the_same_track(
    teacher, template, track, status
):
    _certificate(teacher, template, "HX-1", status=status, track=track)

    with pytest.raises(IntegrityError), transaction.atomic():
        _certificate(teacher, template, "HX-2", track=track)

    assert Certificate.objects.count() == 1


def test_database_refuses_a_second_valid_certificate_for_the_same_course(
    teacher, template, course
):
    _certificate(teacher, template, "HX-1", status="issued", course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        _certificate(teacher, template, "HX-2", status="issued", course=course)


def test_database_allows_a_new_certificate_beside_revoked_ones(
    teacher, template, track
):
    _certificate(teacher, template, "HX-1", status="revoked", track=track)
    _certificate(teacher, template, "HX-2", status="revoked", track=track)

    _certificate(teacher, template, "HX-3", track=track)

    assert Certificate.objects.count() == 3


def test_database_refuses_a_certificate_for_both_a_track_and_a_course(
    teacher, template, track, course
):
    with pytest.raises(IntegrityError), transaction.atomic():
        _certificate(teacher, template, "HX-1", track=track, course=course)


def test_reissue_after_revocation_gets_a_new_serial(
    teacher, office, template, course, complete_course
):
    complete_course(teacher, course)
    old = _issue(teacher, template, office, course=course)
    certificate_revoke(certificate=old, revoked_by=office, reason="姓名有误")

    new = _issue(teacher, template, office, course=course)

    old.refresh_from_db()
    assert new.pk != old.pk
    assert new.serial != old.serial
    assert (old.status, new.status) == ("revoked", "pending")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "issue",
        "revoke",
        "issue",
    ]


# Serials ---------------------------------------------------------------------


def test_serials_read_prefix_year_and_six_digits_and_follow_on(db):
    assert reserve_serials("LSNU", 2021, 3) == [
        "LSNU-2021-000001",
        "LSNU-2021-000002",
        "LSNU-2021-000003",
    ]
    assert reserve_serials("LSNU", 2021, 1) == ["LSNU-2021-000004"]


def test_serials_count_separately_per_prefix_and_year(db):
    reserve_serials("LSNU", 2021, 5)

    assert reserve_serials("LSNU", 2022, 1) == ["LSNU-2022-000001"]
    assert reserve_serials("HX", 2021, 1) == ["HX-2021-000001"]
    assert reserve_serials("LSNU", 2021, 1) == ["LSNU-2021-000006"]


def test_serials_are_never_reused_after_a_revocation(
    make_teacher, office, template, course, complete_course
):
    teachers = [make_teacher() for _ in range(3)]
    for teacher in teachers:
        complete_course(teacher, course)

    serials = []
    for teacher in teachers:
        certificate = _issue(teacher, template, office, course=course)
        serials.append(certificate.serial)
        certificate_revoke(certificate=certificate, revoked_by=office, reason="测试")
    serials.append(_issue(teachers[0], template, office, course=course).serial)

    year = timezone.localdate().year
    assert serials == [f"HX-{year}-{n:06d}" for n in range(1, 5)]


# Rendering -------------------------------------------------------------------


@pytest.fixture
def pending(teacher, office, template, course, complete_course):
    complete_course(teacher, course)
    return _issue(teacher, template, office, course=course)


def test_render_turns_pending_into_issued_with_the_checksum_of_the_stored_file(
    pending, private_files
):
    certificate = certificate_render(certificate_id=pending.pk)

    certificate.refresh_from_db()
    assert certificate.status == "issued"
    with certificate.pdf.open("rb") as pdf:
        data = pdf.read()
    assert data == fake_pdf_bytes(certificate)
    assert certificate.pdf_sha256 == sha256(data)
    assert stored_pdfs(private_files) == [private_files / certificate.pdf.name]


def test_rendering_again_changes_nothing(pending, private_files, fake_pdf):
    first = certificate_render(certificate_id=pending.pk)

    second = certificate_render(certificate_id=pending.pk)

    assert (second.pdf.name, second.pdf_sha256) == (first.pdf.name, first.pdf_sha256)
    assert fake_pdf.rendered == [pending.pk]  # rendered once
    assert len(stored_pdfs(private_files)) == 1


def test_revoked_certificate_is_not_rendered(pending, office, private_files, fake_pdf):
    certificate_revoke(certificate=pending, revoked_by=office, reason="重复报名")

    certificate = certificate_render(certificate_id=pending.pk)

    certificate.refresh_from_db()
    assert (certificate.status, certificate.pdf.name) == ("revoked", "")
    assert fake_pdf.rendered == []
    assert stored_pdfs(private_files) == []


def test_renderer_failure_leaves_the_certificate_pending_without_a_file(
    pending, private_files, fake_pdf
):
    fake_pdf.fail = RuntimeError("font missing")

    with pytest.raises(RuntimeError):
        certificate_render(certificate_id=pending.pk)

    pending.refresh_from_db()
    assert (pending.status, pending.pdf.name, pending.pdf_sha256) == ("pending", "", "")
    assert stored_pdfs(private_files) == []


def test_renderer_failure_after_commit_does_not_undo_the_issue(
    teacher,
    office,
    template,
    course,
    complete_course,
    fake_pdf,
    django_capture_on_commit_callbacks,
):
    # The task fails (eagerly, in tests); the issue stands and stays pending
    # for resume_pending to try again.
    complete_course(teacher, course)
    fake_pdf.fail = RuntimeError("font missing")

    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(teacher, template, office, course=course)

    certificate.refresh_from_db()
    assert certificate.status == "pending"


def test_rendering_a_deleted_certificate_does_nothing(db, fake_pdf):
    assert certificate_render(certificate_id=999_999) is None
    assert fake_pdf.rendered == []


# Revocation ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_revocation_needs_a_reason(pending, office, reason):
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=pending, revoked_by=office, reason=reason)

    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not AuditEntry.objects.filter(action="revoke").exists()


def test_revoking_twice_is_refused(pending, office):
    certificate_revoke(certificate=pending, revoked_by=office, reason="姓名有误")

    with pytest.raises(ValidationError):
        certificate_revoke(certificate=pending, revoked_by=office, reason="再次撤销")

    assert AuditEntry.objects.filter(action="revoke").count() == 1


def test_revocation_is_recorded_with_its_reason(pending, office):
    certificate_render(certificate_id=pending.pk)

    revoked = certificate_revoke(
        certificate=pending, revoked_by=office, reason=" 姓名有误 "
    )

    revoked.refresh_from_db()
    assert (revoked.status, revoked.revocation_reason) == ("revoked", "姓名有误")
    assert revoked.revoked_at is not None
    entry = AuditEntry.objects.get(action="revoke")
    assert (entry.actor, entry.certificate, entry.details) == (
        office,
        revoked,
        {"reason": "姓名有误"},
    )


# Concurrency (PostgreSQL) ----------------------------------------------------

THREADS = 6


def _at_once(event, times=THREADS):
    return at_once(event, times)


# Threads need committed data, so these tests are transactional; serialized
# rollback restores the migrations' data (home page, role groups) for the
# tests that follow.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issues_create_exactly_one_certificate(
    teacher, office, template, course, complete_course
):
    complete_course(teacher, course)

    def issue(_i):
        return certificate_issue(
            holder=User.objects.get(pk=teacher.pk),
            template=template,
            issued_by=office,
            course=CoursePage.objects.get(pk=course.pk),
        ).pk

    results = _at_once(issue)

    certificate = Certificate.objects.get()
    assert results == [certificate.pk] * THREADS
    assert AuditEntry.objects.filter(action="issue").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reservations_never_hand_out_a_serial_twice():
    counts = [1, 3, 2, 5, 1, 4]

    def reserve(i):
        return [s for _ in range(3) for s in reserve_serials("HX", 2021, counts[i])]

    results = _at_once(reserve)

    serials = [s for batch in results for s in batch]
    total = 3 * sum(counts)
    assert sorted(serials) == [f"HX-2021-{n:06d}" for n in range(1, total + 1)]
    assert SerialCounter.objects.get(prefix="HX", year=2021).last == total
