"""Every report table as a download: its title, headers and rows, built from
the same selectors and the same scoping as the pages. `build_table` checks
who asks and what they ask for, in the request and again in the worker that
writes a large export. Exports are Chinese documents, whoever asks."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tabular import sheets_response, write_sheets
from courses.models.learning import CompletionStatus
from people.models import Profile, User

from . import permissions, selectors
from .forms import MatrixForm, OverviewForm
from .selectors.matrix import (
    MatrixFilters,
    learners,
    matrix_value_chunks,
    summary_of,
)
from .selectors.office import (
    HOURS_BUCKETS,
    behind_learners,
    course_rows,
    host_school_rows,
    hours_distribution,
    school_rows,
)

# Form fields that change what an export holds (the page number does not).
MATRIX_PARAMS = ("school", "track", "seed", "subject", "status", "behind", "sort")
TRACK_PARAMS = ("track",)
PROGRESS_EVERY = 500


class ExportInvalid(ValidationError):
    """The filters of an export request are not valid."""


@dataclass
class ExportTable:
    title: str
    count: int
    # Each sheet is (title, headers, a callable returning the rows): the rows
    # are read only when the file is written.
    sheets: list[tuple[str, list, Callable[[], Iterable]]] = field(default_factory=list)

    def write(self, target, fmt: str, rows_written: Callable | None = None) -> int:
        """Write the file; `rows_written(n)` is told how far it has got every
        PROGRESS_EVERY rows. Returns the number of rows written."""
        done = 0

        def counted(rows):
            nonlocal done
            for row in rows:
                yield row
                done += 1
                if rows_written is not None and done % PROGRESS_EVERY == 0:
                    rows_written(done)

        with translation.override(settings.LANGUAGE_CODE):
            write_sheets(
                target, fmt, [(t, h, counted(rows())) for t, h, rows in self.sheets]
            )
        return done

    def response(self, fmt: str):
        with translation.override(settings.LANGUAGE_CODE):
            sheets = [(t, h, rows()) for t, h, rows in self.sheets]
            return sheets_response(fmt, sheets, self.title)


def clean_params(key: str, data) -> dict:
    """The parameters of a table that matter, as strings: what a job keeps."""
    names = TABLES[key][1] if key in TABLES else ()
    return {name: str(data.get(name, "")) for name in names if data.get(name, "")}


def build_table(key: str, params: dict, user: User) -> ExportTable:
    """The table `key` with `params` as `user` may see it. Raises Http404 for
    an unknown table or something outside the user's scope, PermissionDenied
    for someone who reads no reports, ExportInvalid for bad filters."""
    if key not in TABLES:
        raise Http404
    builder, _names = TABLES[key]
    query = QueryDict(mutable=True)
    query.update(params)
    with translation.override(settings.LANGUAGE_CODE):
        table = builder(query, user)
        # Headers are read now, in Chinese; rows are written later.
        table.sheets = [(str(t), [str(h) for h in hs], r) for t, hs, r in table.sheets]
        table.title = str(table.title)
    return table


def matrix_filters(query, user) -> MatrixFilters:
    """The matrix filters of a request, checked against the user's scope."""
    schools = selectors.report_schools(user)
    tracks = selectors.tracks_with_learners([s.pk for s in schools])
    form = MatrixForm(query, schools=schools, tracks=tracks)
    if form.school_out_of_scope():
        raise Http404
    if not form.is_valid():
        raise ExportInvalid(list(form.errors.values()))
    data = form.cleaned_data
    if data["track"] is None:
        raise Http404
    return MatrixFilters.from_form(data, schools, on=selectors.today())


def overview_track(query, user):
    if not permissions.can_read_all_reports(user):
        raise Http404
    schools = selectors.report_schools(user)
    form = OverviewForm(
        query, tracks=selectors.tracks_with_learners([s.pk for s in schools])
    )
    if not form.is_valid():
        raise ExportInvalid(list(form.errors.values()))
    if form.cleaned_data["track"] is None:
        raise Http404
    return form.cleaned_data["track"]


# Cells -------------------------------------------------------------------------

STATUS_LABELS = dict(CompletionStatus.choices)


def yes(value) -> str:
    return _("Yes") if value else ""


def status_text(status, done=0, total=0) -> str:
    label = str(STATUS_LABELS.get(status, status))
    if status == CompletionStatus.IN_PROGRESS and total:
        return f"{label} {done}/{total}"
    return label


def plain_number(value) -> str:
    """Decimal("92.50") -> "92.5", Decimal("80.00") -> "80"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def local_date(moment):
    return timezone.localtime(moment).date() if moment else None


# Tables ------------------------------------------------------------------------


def matrix_table(query, user) -> ExportTable:
    """The matrix as on the page: a row per learner, a cell per course."""
    filters = matrix_filters(query, user)
    columns = selectors.track_columns(filters.track)
    total = summary_of(learners(filters), filters)["total"]
    headers = [
        _("Name"), _("Username"), _("School"), _("Subject"), _("Seed teachers"),
        _("Status"), _("Hours earned"), _("Hours required"), _("Share of hours (%)"),
        _("Required courses completed"), _("Job-shadowing days"),
        _("Job-shadowing days required"), _("Certificates"), _("Behind schedule"),
        *[column.course.title for column in columns],
    ]  # fmt: skip

    def rows():
        cell = _cell_writer()
        subjects = {k: str(v) for k, v in Profile.Subject.choices}
        course_ids = [c.course_id for c in columns]
        for chunk, cells in matrix_value_chunks(filters, columns):
            for row in chunk:
                (user_id, name, username, school, subject, seed, status, earned,
                 needed, share, required_done, required, days, days_needed,
                 certificates, behind) = row  # fmt: skip
                yield [
                    name or username, username, school or "", subjects.get(subject, ""),
                    yes(seed), status_text(status), earned, needed, round(share),
                    f"{required_done}/{required}", days, days_needed, certificates,
                    yes(behind),
                    *[cell(cells.get((user_id, c))) for c in course_ids],
                ]  # fmt: skip

    school = filters.schools[0].name if len(filters.schools) == 1 else _("all schools")
    title = f"{_('Completion report')}-{school}-{filters.track.name}"
    return ExportTable(title, total, [(filters.track.name, headers, rows)])


def _cell_writer():
    """One course cell as text: "已完成 2021-03-02 92分", "学习中 2/5", "未开始"."""
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    not_started = labels[CompletionStatus.NOT_STARTED]
    points = _("%(score)s pts")

    def cell(values) -> str:
        if values is None:
            return not_started
        status, score, day, done, total = values
        if status == CompletionStatus.COMPLETED:
            text = f"{labels[status]} {day or ''}".rstrip()
            if score is not None:
                text += " " + points % {"score": plain_number(score)}
            return text
        if status == CompletionStatus.IN_PROGRESS:
            return f"{labels[status]} {done}/{total}"
        return not_started

    return cell


def schools_table(query, user) -> ExportTable:
    track = overview_track(query, user)
    rows = school_rows(track, selectors.today())
    headers = [
        _("School"), _("Learners"), _("completed"), _("Completion rate (%)"),
        _("in progress"), _("not started"), _("Behind schedule"),
        _("Share of hours (%)"), _("Certificates issued"),
    ]  # fmt: skip

    def values():
        for r in rows:
            yield [
                r.school.name, r.learners, r.completed, r.rate, r.in_progress,
                r.not_started, r.behind, r.hours_share, r.certificates,
            ]  # fmt: skip

    title = f"{_('Completion per school')}-{track.name}"
    return ExportTable(title, len(rows), [(title, headers, values)])


def courses_table(query, user) -> ExportTable:
    track = overview_track(query, user)
    rows = course_rows(track, selectors.track_columns(track))
    headers = [
        _("Course"), _("Required or elective"), _("Learners"), _("completed"),
        _("Completion rate (%)"), _("in progress"), _("not started"),
        _("Average score"),
    ]  # fmt: skip

    def values():
        for r in rows:
            kind = _("required") if r.track_course.is_required else _("elective")
            yield [
                r.track_course.course.title, kind, r.enrolled, r.completed, r.rate,
                r.in_progress, r.not_started,
                round(r.average_score, 1) if r.average_score is not None else None,
            ]  # fmt: skip

    title = f"{_('Completion per course')}-{track.name}"
    return ExportTable(title, len(rows), [(title, headers, values)])


def hours_table(query, user) -> ExportTable:
    track = overview_track(query, user)
    buckets = hours_distribution(track)
    headers = [_("Share of hours (%)"), _("Learners")]
    title = f"{_('Hours distribution')}-{track.name}"
    return ExportTable(title, len(HOURS_BUCKETS), [(title, headers, lambda: buckets)])


def behind_table(query, user) -> ExportTable:
    track = overview_track(query, user)
    rows = behind_learners(track, selectors.today())
    headers = [
        _("Name"), _("Username"), _("School"), _("Status"), _("Hours earned"),
        _("Hours required"), _("Share of hours (%)"), _("Job-shadowing days"),
    ]  # fmt: skip

    def values():
        for c in rows.iterator(chunk_size=2000):
            profile = c.user.profile
            yield [
                c.user.get_full_name() or c.user.username, c.user.username,
                profile.school.name if profile.school else "", status_text(c.status),
                c.hours_earned, c.hours_needed, round(c.progress_pct),
                c.placement_days,
            ]  # fmt: skip

    title = f"{_('Behind schedule')}-{track.name}"
    return ExportTable(title, rows.count(), [(title, headers, values)])


def hosts_table(query, user) -> ExportTable:
    track = overview_track(query, user)
    rows = host_school_rows(track)
    headers = [
        _("Host school"), _("Placements"), _("Approved"), _("Approved days"),
        _("Participants"), _("Mentors"),
    ]  # fmt: skip

    def values():
        for r in rows:
            yield [
                r["host_school__name"], r["placements"], r["approved"], r["days"],
                r["participants"], r["mentors"],
            ]  # fmt: skip

    title = f"{_('Placements per host school')}-{track.programme.name}"
    return ExportTable(title, len(rows), [(title, headers, values)])


def transcript_table(query, user) -> ExportTable:
    teacher = query.get("teacher", "")
    person = (
        selectors.visible_person(viewer=user, user_id=int(teacher))
        if teacher.isdigit()
        else None
    )
    if person is None:
        raise Http404
    record = selectors.transcript_of(person)
    title = f"{_('Learning record')}-{person.get_full_name() or person.username}"
    sheets = [
        (
            _("Tracks"),
            [_("Track"), _("Status"), _("Hours earned"), _("Hours required"),
             _("Required courses completed"), _("Job-shadowing days"),
             _("completed at")],
            [[t.track.name, status_text(t.status), t.hours_earned, t.hours_needed,
              f"{t.required_completed}/{t.required_total}", t.placement_days,
              local_date(t.completed_at)] for t in record.tracks],
        ),
        (
            _("Courses"),
            [_("Course"), _("Status"), _("Lessons"), _("score"), _("completed at"),
             _("Credit hours")],
            [[c.course.title, status_text(c.status),
              f"{c.lessons_completed}/{c.lessons_total}", c.score,
              local_date(c.completed_at), c.course.credit_hours]
             for c in record.courses],
        ),
        (
            _("Hours ledger"),
            [_("Date"), _("Source"), _("Description"), _("Hours")],
            [[h.earned_on, h.get_source_display(), h.description, h.hours]
             for h in record.hours],
        ),
        (
            _("Job-shadowing placements"),
            [_("Round"), _("Host school"), _("Mentor"), _("Starts on"), _("Ends on"),
             _("Status"), _("Approved days")],
            [[p.round.name, p.host_school.name, str(p.mentor), p.starts_on,
              p.ends_on, p.get_status_display(), p.approved_days]
             for p in record.placements],
        ),
        (
            _("Certificates"),
            [_("Serial number"), _("Certified for"), _("Credit hours"),
             _("Issued on"), _("Status")],
            [[c.serial, c.subject, c.hours, c.issued_on, c.get_status_display()]
             for c in record.certificates],
        ),
    ]  # fmt: skip
    count = sum(len(rows) for _t, _h, rows in sheets)
    return ExportTable(
        title, count, [(t, h, (lambda rows=rows: rows)) for t, h, rows in sheets]
    )


TABLES: dict[str, tuple[Callable, tuple]] = {
    "matrix": (matrix_table, MATRIX_PARAMS),
    "schools": (schools_table, TRACK_PARAMS),
    "courses": (courses_table, TRACK_PARAMS),
    "hours": (hours_table, TRACK_PARAMS),
    "behind": (behind_table, TRACK_PARAMS),
    "hosts": (hosts_table, TRACK_PARAMS),
    "transcript": (transcript_table, ("teacher",)),
}
