"""Track requirements as plug-ins: the registry, the per-requirement rows, the
progress signal and the hours service."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from certificates.bulk import batch_preview
from certificates.services import eligibility_for
from courses import requirements, services
from courses.models import HoursEntry, TrackCompletion, TrackRequirementProgress
from courses.requirements import Progress, RequirementKind
from tests.factories import UserFactory

COURSES_APP = Path(__file__).resolve().parents[2] / "courses"


class ReadingLog(RequirementKind):
    """A stand-in for a kind another app would add: books read, from a dict."""

    code = "test_books"
    order = 90
    unit = "books"
    read: dict[int, int] = {}

    def progress(self, *, user, track) -> Progress:
        return Progress(done=self.read.get(user.pk, 0), needed=2, unit=self.unit)

    def missing(self, progress: Progress) -> str:
        return f"Books read: {progress.done:.0f} of {progress.needed:.0f}."


@pytest.fixture
def reading_log():
    kind = requirements.register(ReadingLog())
    kind.read = {}
    yield kind
    requirements.unregister(kind.code)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def short_track(teacher, course_with_lessons, make_track):
    """One required course of 2 hours, no electives; the teacher is enrolled."""
    course = course_with_lessons(1, credit_hours=Decimal("2.0"))
    track = make_track(required=[course])
    services.track_enrol(track=track, users=[teacher])
    return track, course


def _rows(user, track):
    return {
        row.kind: (row.done, row.needed)
        for row in TrackRequirementProgress.objects.filter(user=user, track=track)
    }


# The registry -----------------------------------------------------------------


def test_registry_lists_the_kinds_of_courses_and_placements_in_order():
    codes = [kind.code for kind in requirements.kinds()]

    assert codes[:3] == ["required_courses", "elective_hours", "placement_days"]


def test_registry_refuses_a_second_kind_with_a_taken_code():
    class Impostor(RequirementKind):
        code = "required_courses"

    with pytest.raises(ImproperlyConfigured):
        requirements.register(Impostor())


def test_registry_refuses_a_kind_without_a_code():
    with pytest.raises(ImproperlyConfigured):
        requirements.register(RequirementKind())


def test_courses_imports_nothing_from_placements():
    # Courses must not know the apps that plug requirements into it, lazy
    # imports inside functions included.
    offenders = []
    for path in COURSES_APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "placements" for name in names):
                offenders.append(str(path))

    assert offenders == []


# Per-requirement rows -----------------------------------------------------------


def test_track_recompute_writes_one_row_per_registered_kind(
    teacher, short_track, complete_course
):
    track, course = short_track

    assert _rows(teacher, track) == {
        "required_courses": (0, 1),
        "elective_hours": (0, 0),
        "placement_days": (0, 0),
    }

    complete_course(teacher, course)

    assert _rows(teacher, track)["required_courses"] == (1, 1)
    assert TrackRequirementProgress.objects.filter(user=teacher).count() == 3


def test_a_registered_kind_shows_up_in_progress_and_holds_the_track_back(
    teacher, short_track, complete_course, reading_log
):
    track, course = short_track
    complete_course(teacher, course)
    completion = TrackCompletion.objects.get(user=teacher, track=track)

    assert completion.status == "in_progress"
    assert _rows(teacher, track)["test_books"] == (0, 2)

    reading_log.read[teacher.pk] = 2
    completion = services.track_completion_recompute(user=teacher, track=track)

    assert completion.status == "completed"
    assert _rows(teacher, track)["test_books"] == (2, 2)


def test_a_registered_kind_names_what_is_missing_in_eligibility(
    teacher, short_track, complete_course, reading_log, english
):
    track, _course = short_track
    services.track_completion_recompute(user=teacher, track=track)

    eligibility = eligibility_for(user=teacher, track=track)

    assert eligibility.missing == [
        "Required courses: 0 of 1 completed.",
        "Books read: 0 of 2.",
    ]
    (row,) = batch_preview(track=track)
    assert row.eligibility.missing == eligibility.missing


def test_track_preview_makes_a_fixed_number_of_queries(
    short_track, django_assert_num_queries
):
    track, _course = short_track
    others = UserFactory.create_batch(5)
    services.track_enrol(track=track, users=others)

    # 4: the people, their completion rows, their valid certificates and
    # their requirement rows (for the reasons); however many people there are.
    with django_assert_num_queries(4):
        rows = batch_preview(track=track)

    assert len(rows) == 6


def test_track_recompute_reads_the_track_courses_once(
    teacher, short_track, django_assert_num_queries
):
    track, _course = short_track
    services.track_completion_recompute(user=teacher, track=track)

    # 9: the recompute's savepoint (2), the completion row read and locked
    # (1: it exists since the first recompute), the track's courses and the
    # teacher's completions (2), read once for both course kinds and the hours
    # summary, whether a lesson was opened (1), the approved placement days
    # (1), the requirement rows written (1), the completion row saved (1).
    with django_assert_num_queries(9):
        services.track_completion_recompute(user=teacher, track=track)


# The progress signal --------------------------------------------------------------


def test_announced_progress_recomputes_the_users_tracks_after_commit(
    teacher, short_track, reading_log, django_capture_on_commit_callbacks
):
    track, _course = short_track
    reading_log.read[teacher.pk] = 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        requirements.announce_progress(
            sender=ReadingLog, user=teacher, programme_id=track.programme_id
        )
    # Nothing happens before the transaction commits.
    assert "test_books" not in _rows(teacher, track)

    for callback in callbacks:
        callback()

    assert _rows(teacher, track)["test_books"] == (1, 2)


def test_announced_progress_of_another_programme_leaves_the_track_alone(
    teacher, short_track, reading_log, django_capture_on_commit_callbacks
):
    track, _course = short_track

    with django_capture_on_commit_callbacks(execute=True):
        requirements.announce_progress(
            sender=ReadingLog, user=teacher, programme_id=track.programme_id + 1
        )

    assert "test_books" not in _rows(teacher, track)


# The hours service ------------------------------------------------------------------


def test_hours_for_a_course_are_recorded_once(teacher, course_with_lessons):
    course = course_with_lessons(1, credit_hours=Decimal("3.0"))
    fields = {
        "user": teacher,
        "course": course,
        "source": HoursEntry.Source.COURSE,
        "hours": course.credit_hours,
        "description": course.title,
        "earned_on": datetime.date(2020, 10, 1),
    }

    first = services.hours_entry_record(**fields)
    again = services.hours_entry_record(**fields)

    assert first == again
    assert HoursEntry.objects.filter(user=teacher).count() == 1


def test_hours_of_other_sources_each_write_a_line(teacher):
    for _ in range(2):
        services.hours_entry_record(
            user=teacher,
            source=HoursEntry.Source.ADJUSTMENT,
            hours=Decimal("1.5"),
            description="x" * 250,
            earned_on=datetime.date(2020, 10, 1),
        )

    entries = HoursEntry.objects.filter(user=teacher)
    assert entries.count() == 2
    assert {len(e.description) for e in entries} == {200}


def test_hours_service_refuses_a_course_line_without_a_course(teacher):
    with pytest.raises(ValidationError):
        services.hours_entry_record(
            user=teacher,
            source=HoursEntry.Source.COURSE,
            hours=Decimal("1"),
            description="no course",
            earned_on=datetime.date(2020, 10, 1),
        )
    assert not HoursEntry.objects.exists()
