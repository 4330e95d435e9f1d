import io
import zipfile
from types import SimpleNamespace

import pytest

from certificates.bulk import (
    NothingToIssue,
    batch_archive,
    batch_finish_if_done,
    batch_preview,
    batch_progress,
    batch_start,
)
from certificates.models import AuditEntry, Certificate, IssuanceBatch, SerialCounter
from certificates.services import certificate_issue, certificate_render
from courses import services as course_services
from courses.models import CourseCompletion, Enrolment
from courses.models.learning import CompletionStatus, Source
from tests.factories import CohortFactory, SchoolFactory
from tests.helpers import at_once

from .conftest import fake_pdf_bytes

NOT_STARTED = "Not enrolled, or nothing started yet."


@pytest.fixture
def group(make_teacher, course, complete_course, office, template):
    """At one school, in one cohort: two teachers who completed the course,
    one who already holds its certificate, one half-way and one enrolled who
    has not started. Elsewhere: a finisher at another school, one outside the
    cohort, and a finisher who is not enrolled any more."""
    school, cohort = SchoolFactory(name="洪溪初级中学"), CohortFactory()
    people = SimpleNamespace(school=school, cohort=cohort)

    def member(**kwargs):
        return make_teacher(**{"school": school, "cohort": cohort, **kwargs})

    people.eligible = [member(), member()]
    people.certified = member()
    people.halfway = member()
    people.not_started = member()
    people.other_school = make_teacher(cohort=cohort)
    people.outside_cohort = make_teacher(school=school)
    people.withdrawn = member()
    for user in [
        *people.eligible,
        people.certified,
        people.other_school,
        people.outside_cohort,
        people.withdrawn,
    ]:
        complete_course(user, course)
    people.certificate = certificate_issue(
        holder=people.certified, template=template, issued_by=office, course=course
    )
    course_services.enrolment_create(
        user=people.halfway, course=course, source="office"
    )
    course_services.lesson_mark_complete(user=people.halfway, lesson=course.lessons[0])
    Enrolment.objects.create(user=people.not_started, course=course, source="office")
    course_services.enrolment_withdraw(
        enrolment=Enrolment.objects.get(user=people.withdrawn), by_office=True
    )
    return people


def _summary(rows):
    return {
        row.user.pk: (
            row.eligibility.eligible,
            row.eligibility.missing,
            row.certificate.pk if row.certificate else None,
        )
        for row in rows
    }


# Preview ---------------------------------------------------------------------


def test_preview_lists_eligible_certified_and_not_eligible_with_reasons(group, course):
    rows = batch_preview(course=course, school=group.school, cohort=group.cohort)

    assert _summary(rows) == {
        group.eligible[0].pk: (True, [], None),
        group.eligible[1].pk: (True, [], None),
        group.certified.pk: (True, [], group.certificate.pk),
        group.halfway.pk: (False, ["Lessons completed: 1 of 2."], None),
        group.not_started.pk: (False, [NOT_STARTED], None),
    }


def test_preview_filters_by_school(group, course):
    rows = batch_preview(course=course, school=group.school)

    users = {row.user for row in rows}
    assert group.outside_cohort in users
    assert group.other_school not in users
    assert group.withdrawn not in users  # only active enrolments


def test_preview_filters_by_cohort(group, course):
    rows = batch_preview(course=course, cohort=group.cohort)

    users = {row.user for row in rows}
    assert group.other_school in users
    assert group.outside_cohort not in users


def test_preview_ignores_revoked_certificates(group, course, office):
    from certificates.services import certificate_revoke

    certificate_revoke(certificate=group.certificate, revoked_by=office, reason="错")

    rows = batch_preview(course=course, school=group.school, cohort=group.cohort)

    assert _summary(rows)[group.certified.pk] == (True, [], None)


def test_preview_of_a_track_names_what_each_person_misses(
    make_teacher, track, track_courses, finish_track, complete_course
):
    done, partly = make_teacher(), make_teacher()
    finish_track(done, track)
    course_services.track_enrol(track=track, users=[partly])
    complete_course(partly, track_courses[2])  # only the elective

    rows = batch_preview(track=track)

    assert _summary(rows) == {
        done.pk: (True, [], None),
        partly.pk: (False, ["Required courses: 0 of 2 completed."], None),
    }


@pytest.mark.parametrize("people", [3, 30])
def test_preview_makes_a_fixed_number_of_queries(
    people, make_teacher, course, office, template, django_assert_num_queries
):
    school, cohort = SchoolFactory(), CohortFactory()
    users = [make_teacher(school=school, cohort=cohort) for _ in range(people)]
    Enrolment.objects.bulk_create(
        Enrolment(user=u, course=course, source=Source.OFFICE) for u in users
    )
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            user=u, course=course, status=CompletionStatus.COMPLETED, lessons_total=2
        )
        for u in users
    )
    certificate_issue(
        holder=users[0], template=template, issued_by=office, course=course
    )

    # 3: the people (with profile and school joined), their completion rows,
    # their valid certificates; however many people there are.
    with django_assert_num_queries(3):
        rows = batch_preview(course=course, school=school, cohort=cohort)
        assert [row.user.profile.school for row in rows] == [school] * people


# Starting a batch ------------------------------------------------------------


def test_batch_start_issues_to_the_eligible_without_a_certificate_only(
    group, course, office, template
):
    batch = batch_start(
        template=template,
        created_by=office,
        course=course,
        school=group.school,
        cohort=group.cohort,
    )

    issued = Certificate.objects.filter(batch=batch)
    assert {c.holder for c in issued} == set(group.eligible)
    assert {c.status for c in issued} == {"pending"}
    assert Certificate.objects.filter(holder=group.certified).get() == group.certificate
    for absent in [group.halfway, group.not_started, group.other_school]:
        assert not Certificate.objects.filter(holder=absent).exists()
    assert batch.status == "running"
    assert AuditEntry.objects.filter(action="batch").get().details == {
        "batch": batch.pk,
        "certificates": 2,
    }
    assert set(
        AuditEntry.objects.filter(action="issue", details__batch=batch.pk).values_list(
            "certificate", flat=True
        )
    ) == {c.pk for c in issued}


def test_batch_start_for_a_track_issues_to_those_who_finished(
    make_teacher, track, finish_track, office, template
):
    done, enrolled = make_teacher(), make_teacher()
    finish_track(done, track)
    course_services.track_enrol(track=track, users=[enrolled])

    batch = batch_start(template=template, created_by=office, track=track)

    certificate = Certificate.objects.get(batch=batch)
    assert (certificate.holder, certificate.subject) == (done, track.name)
    assert not Certificate.objects.filter(holder=enrolled).exists()


def test_starting_again_for_the_same_group_issues_nothing_new(
    group, course, office, template
):
    kwargs = {"course": course, "school": group.school, "cohort": group.cohort}
    first = batch_start(template=template, created_by=office, **kwargs)
    before = set(Certificate.objects.values_list("pk", "serial"))

    counter = SerialCounter.objects.get().last
    second = batch_start(template=template, created_by=office, **kwargs)

    assert set(Certificate.objects.values_list("pk", "serial")) == before
    assert first.certificates.count() == 2
    assert second == first  # no second, empty batch
    assert IssuanceBatch.objects.count() == 1
    assert SerialCounter.objects.get().last == counter  # no serial burnt


def test_starting_with_nobody_left_and_no_earlier_batch_issues_nothing(
    group, course, office, template
):
    for user in group.eligible:
        certificate_issue(
            holder=user, template=template, issued_by=office, course=course
        )
    counter = SerialCounter.objects.get().last

    with pytest.raises(NothingToIssue):
        batch_start(
            template=template,
            created_by=office,
            course=course,
            school=group.school,
            cohort=group.cohort,
        )

    assert not IssuanceBatch.objects.exists()
    assert SerialCounter.objects.get().last == counter


# Threads need committed data: transactional, with the migrations' data
# restored for the tests that follow.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirms_at_once_make_one_batch_and_no_serial_gap(
    group, course, office, template
):
    kwargs = {"course": course, "school": group.school, "cohort": group.cohort}

    def start(_i):
        return batch_start(template=template, created_by=office, **kwargs).pk

    results = at_once(start, 4)

    batch = IssuanceBatch.objects.get()
    assert results == [batch.pk] * 4
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    last = SerialCounter.objects.get(prefix=template.serial_prefix).last
    year = serials[0].split("-")[-2]
    prefix = template.serial_prefix
    # The one issued before, then the batch's two: nothing burnt in between.
    assert serials == [f"{prefix}-{year}-{n:06d}" for n in range(1, last + 1)]
    assert last == 3
    assert batch.certificates.count() == 2


def test_batch_progress_counts_rendered_certificates(group, course, office, template):
    batch = batch_start(
        template=template,
        created_by=office,
        course=course,
        school=group.school,
        cohort=group.cohort,
    )
    assert batch_progress(batch) == {
        "total": 2,
        "issued": 0,
        "percent": 0,
        "done": False,
    }

    certificate_render(certificate_id=batch.certificates.first().pk)

    assert batch_progress(batch) == {
        "total": 2,
        "issued": 1,
        "percent": 50,
        "done": False,
    }


def test_batch_progress_reads_the_batch_status_afresh(
    group, course, office, template, django_capture_on_commit_callbacks
):
    # A caller polling with the instance batch_start returned must see "done".
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(template=template, created_by=office, course=course)

    assert batch_progress(batch) == {
        "total": 4,
        "issued": 4,
        "percent": 100,
        "done": True,
    }


def test_batch_is_done_and_zipped_when_every_certificate_is_rendered(
    group, course, office, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(template=template, created_by=office, course=course)

    batch.refresh_from_db()
    assert batch.status == "done"
    certificates = list(batch.certificates.all())
    assert len(certificates) == 4  # the enrolled finishers without one
    assert {c.status for c in certificates} == {"issued"}
    with batch.archive.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    assert sorted(archive.namelist()) == sorted(
        f"{c.serial}-{c.holder_name}.pdf" for c in certificates
    )
    for certificate in certificates:
        name = f"{certificate.serial}-{certificate.holder_name}.pdf"
        assert archive.read(name) == fake_pdf_bytes(certificate)


def test_batch_finish_if_done_archives_once(
    group, course, office, template, monkeypatch, django_capture_on_commit_callbacks
):
    archived = []
    monkeypatch.setattr(
        "certificates.tasks.archive_batch.delay", lambda pk: archived.append(pk)
    )
    batch = batch_start(template=template, created_by=office, course=course)
    first, *rest = batch.certificates.all()
    certificate_render(certificate_id=first.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert batch_finish_if_done(batch.pk) is False  # others still pending
    for certificate in rest:
        certificate_render(certificate_id=certificate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        finished = [batch_finish_if_done(batch.pk) for _ in range(3)]

    assert finished == [True, False, False]
    assert archived == [batch.pk]
    assert IssuanceBatch.objects.get(pk=batch.pk).status == "done"


def test_archiving_a_batch_again_keeps_its_zip(
    group, course, office, template, django_capture_on_commit_callbacks, private_files
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(template=template, created_by=office, course=course)
    name = IssuanceBatch.objects.get(pk=batch.pk).archive.name

    again = batch_archive(batch.pk)

    assert again.archive.name == name
    assert [p.name for p in (private_files / "certificates/batches").iterdir()] == [
        name.rsplit("/", 1)[-1]
    ]


def test_batch_progress_is_one_query(
    group, course, office, template, django_assert_num_queries
):
    batch = batch_start(template=template, created_by=office, course=course)

    # 1: the batch's status with its counts, aggregated in the database.
    with django_assert_num_queries(1):
        batch_progress(batch)
