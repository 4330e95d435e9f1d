"""The principal's matrix agrees with the underlying records, and its
filters, sorting and paging do what they say."""

import datetime
from decimal import Decimal

import pytest

from courses.models import CourseCompletion, HoursEntry, TrackCompletion
from reports.selectors import MatrixFilters, school_matrix
from reports.selectors import matrix as matrix_module

pytestmark = pytest.mark.django_db
SCHOOL = "/reports/school/"


def _matrix(client, **params):
    response = client.get(SCHOOL, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["matrix"]


def test_matrix_cells_agree_with_the_completion_rows(client, programme):
    client.force_login(programme.principal)

    matrix = _matrix(client)

    assert [c.course for c in matrix.columns] == programme.courses
    assert len(matrix.rows) == 3
    for row in matrix.rows:
        records = {
            c.course_id: c for c in CourseCompletion.objects.filter(user=row.user)
        }
        for column, cell in zip(matrix.columns, row.cells, strict=True):
            record = records.get(column.course_id)
            assert cell.status == (record.status if record else "not_started")
            if record:
                assert cell.completed_at == record.completed_at
                assert (cell.lessons_completed, cell.lessons_total) == (
                    record.lessons_completed,
                    record.lessons_total,
                )


def test_matrix_hours_agree_with_the_ledger_and_track_rows(client, programme):
    client.force_login(programme.principal)

    matrix = _matrix(client)

    course_ids = [c.pk for c in programme.courses]
    for row in matrix.rows:
        stored = TrackCompletion.objects.get(user=row.user, track=programme.track)
        ledger = sum(
            (
                h.hours
                for h in HoursEntry.objects.filter(
                    user=row.user, course_id__in=course_ids
                )
            ),
            Decimal(0),
        )
        assert row.completion.hours_earned == stored.hours_earned == ledger
        assert row.completion.hours_needed == Decimal("6.0")  # 2 + 2 required + 2
    seed = next(r for r in matrix.rows if r.user == programme.seed)
    assert seed.completion.hours_earned == Decimal("4.0")
    assert [c.status for c in seed.cells] == ["completed", "completed", "not_started"]
    maths = next(r for r in matrix.rows if r.user == programme.maths)
    assert maths.cells[0].status == "in_progress"
    assert (maths.cells[0].lessons_completed, maths.cells[0].lessons_total) == (1, 2)


def test_matrix_summary_counts_the_chosen_learners(client, programme):
    client.force_login(programme.principal)

    summary = _matrix(client).summary

    assert summary["total"] == 3
    assert summary["completed"] == 0
    assert summary["in_progress"] + summary["not_started"] == 3
    assert (
        summary["in_progress"]
        == TrackCompletion.objects.filter(
            user__in=[programme.seed, programme.maths, programme.fresh],
            status="in_progress",
        ).count()
    )


def test_matrix_per_course_counts(client, programme):
    client.force_login(programme.principal)

    courses = _matrix(client).courses

    first, second, elective = courses
    assert (first.completed, first.in_progress, first.not_started) == (1, 1, 1)
    assert (second.completed, second.not_started) == (1, 2)
    assert (elective.completed, elective.rate) == (0, 0)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"seed": "yes"}, {"ꀊꁨꃀꑭ"}),
        ({"seed": "no"}, {"阿西莫色", "刘芳"}),
        ({"subject": "maths"}, {"阿西莫色"}),
        ({"status": "not_started"}, {"刘芳"}),
        ({"status": "completed"}, set()),
    ],
)
def test_matrix_filters(client, programme, params, names):
    client.force_login(programme.principal)

    matrix = _matrix(client, **params)

    assert {r.user.name for r in matrix.rows} == names
    assert matrix.summary["total"] == len(names)


def test_behind_schedule_filter_uses_the_share_of_time_passed(programme):
    track = programme.track
    schools = [programme.school]

    def behind(on):
        filters = MatrixFilters(track=track, schools=schools, behind=True, on=on)
        return {r.user.name for r in school_matrix(filters=filters).rows}

    # Half-way through the track, 3 of 6 hours are expected: the seed teacher
    # (4 hours) keeps pace; after the track closes everyone unfinished is late.
    halfway = track.opens_on + (track.closes_on - track.opens_on) / 2
    assert behind(halfway) == {"阿西莫色", "刘芳"}
    assert behind(track.closes_on) == {"ꀊꁨꃀꑭ", "阿西莫色", "刘芳"}
    assert behind(track.opens_on - datetime.timedelta(days=1)) == set()


def test_matrix_sorts_by_hours_fewest_first_and_back(client, programme):
    client.force_login(programme.principal)

    fewest = _matrix(client, sort="progress").rows
    most = _matrix(client, sort="-progress").rows

    assert fewest[-1].user == programme.seed
    assert most[0].user == programme.seed


def test_matrix_pages_without_overlap(client, programme, monkeypatch):
    monkeypatch.setattr(matrix_module, "PAGE_SIZE", 2)
    client.force_login(programme.principal)

    first = _matrix(client, page=1)
    second = _matrix(client, page=2)

    assert first.page.paginator.num_pages == 2
    assert len(first.rows) == 2 and len(second.rows) == 1
    assert {r.user for r in first.rows}.isdisjoint({r.user for r in second.rows})


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"sort": "password"}, {"track": "999999"}]
)
def test_bad_filters_are_refused_with_a_message(client, programme, params):
    client.force_login(programme.principal)

    response = client.get(SCHOOL, params)

    assert response.status_code == 400
    assert response.context["matrix"] is None
    assert 'role="alert"' in response.content.decode()


def test_matrix_links_each_teacher_to_their_transcript(client, programme):
    client.force_login(programme.principal)

    html = client.get(SCHOOL).content.decode()

    assert f'href="/reports/teachers/{programme.seed.pk}/"' in html
    assert "ꀊꁨꃀꑭ" in html


def test_principal_lands_on_the_dashboard_and_school_staff_still_works(
    client, programme
):
    client.force_login(programme.principal)

    assert client.get("/start/").url == SCHOOL
    assert client.get("/school/").status_code == 200
