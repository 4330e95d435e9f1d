"""The office overview agrees with the records: completion per school and
per course, hours distribution, learners behind schedule, certificates and
placements per host school; schools drill down to their matrix."""

import datetime

import pytest

from courses.models import CourseCompletion, TrackCompletion
from reports.selectors import office_overview
from tests.factories import CertificateFactory

from .conftest import make_person, write_rows

pytestmark = pytest.mark.django_db
OFFICE = "/reports/office/"


def test_overview_counts_match_the_completion_rows(client, programme, office):
    client.force_login(office)

    overview = client.get(OFFICE).context["overview"]

    assert overview["track"] == programme.track
    rows = {r.school: r for r in overview["schools"]}
    here, there = rows[programme.school], rows[programme.other_school]
    assert (here.learners, here.completed) == (3, 0)
    assert (
        here.in_progress
        == TrackCompletion.objects.filter(
            user__profile__school=programme.school, status="in_progress"
        ).count()
    )
    assert there.learners == 1
    assert overview["totals"].learners == 4
    courses = {r.track_course.course: r for r in overview["courses"]}
    for course, row in courses.items():
        records = CourseCompletion.objects.filter(course=course)
        assert row.enrolled == records.count()
        assert row.completed == records.filter(status="completed").count()
    assert sum(count for _label, count in overview["hours"]) == 4


def test_behind_schedule_and_certificates_and_placements(programme, office):
    track = programme.track
    CertificateFactory(holder=programme.seed, track=track)
    CertificateFactory(holder=programme.maths, track=track, status="revoked")

    overview = office_overview(track=track, on=track.closes_on)

    rows = {r.school: r for r in overview["schools"]}
    assert rows[programme.school].certificates == 1  # revoked ones do not count
    assert rows[programme.school].behind == 3  # closed: everyone unfinished
    assert {c.user for c in overview["behind"]} == {
        programme.seed,
        programme.maths,
        programme.fresh,
        programme.other,
    }
    assert overview["behind"][0].progress_pct == 0  # furthest behind first
    on_time = office_overview(track=track, on=track.opens_on)
    assert on_time["totals"].behind == 0


def test_placements_are_counted_per_host_school(programme):
    people = [make_person(programme.school) for _ in range(4)]
    write_rows(programme.track, programme.courses, people)

    overview = office_overview(track=programme.track, on=datetime.date(2021, 1, 1))

    [host] = overview["hosts"]
    # Every second person has a placement; every second of those is approved.
    assert (host["placements"], host["approved"], host["days"]) == (2, 1, 5)
    assert (host["participants"], host["mentors"]) == (2, 1)


def test_schools_link_to_their_matrix(client, programme, office):
    client.force_login(office)

    html = client.get(OFFICE).content.decode()

    link = (
        f"/reports/school/?school={programme.school.pk}&amp;track={programme.track.pk}"
    )
    assert link in html
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_overview_draws_charts_as_inline_svg(client, programme, office):
    client.force_login(office)

    html = client.get(OFFICE).content.decode()

    assert html.count("<svg") == 3
    assert "<script" not in html.split("<main", 1)[1]
    assert "cdn" not in html.lower()


def test_unknown_track_is_refused(client, programme, office):
    client.force_login(office)

    assert client.get(OFFICE, {"track": "999999"}).status_code == 400
