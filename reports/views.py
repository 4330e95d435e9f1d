"""Report pages for principals (their own schools) and the programme office
(every supported school), transcripts, and exports. Every view checks who is
asking; an id outside the asker's scope gets the same 404 as one that does
not exist."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import jobs
from core.serving import content_response, field_file_response
from core.tabular import CSV_TYPE, FORMATS, XLSX_TYPE
from people.permissions import require

from . import charts, permissions, selectors, services
from .forms import MatrixForm, OverviewForm
from .models import ExportJob
from .selectors.matrix import MatrixFilters
from .tables import TABLES, build_table, clean_params

# Larger exports are written by a Celery worker while the page shows progress.
SYNC_EXPORT_MAX_ROWS = 2000
CHART_MAX_SCHOOLS = 25


def _sync_limit() -> int:
    return getattr(settings, "REPORTS_SYNC_EXPORT_MAX_ROWS", SYNC_EXPORT_MAX_ROWS)


@login_required
@require_GET
def school_dashboard(request):
    """The staff-by-course matrix of a track for the schools the asker leads
    (the office: any supported school, e.g. drilled down from the overview)."""
    user = request.user
    schools = selectors.report_schools(user)
    tracks = selectors.tracks_with_learners([s.pk for s in schools])
    form = MatrixForm(request.GET, schools=schools, tracks=tracks)
    if form.school_out_of_scope():
        raise Http404
    context = {"form": form, "schools": schools, "matrix": None}
    if not form.is_valid():
        return render(request, "reports/school.html", context, status=400)
    data = form.cleaned_data
    if data["track"] is not None:
        matrix = selectors.school_matrix(
            filters=MatrixFilters.from_form(data, schools, on=selectors.today()),
            page_number=request.GET.get("page"),
        )
        context["matrix"] = matrix
        context["chart"] = charts.bar_chart(
            title=_("Completion per course"),
            description=_(
                "Share of the learners shown who have completed each course of "
                "the track."
            ),
            bars=charts.rate_bars(
                matrix.courses,
                label=lambda c: c.track_course.course.title,
                completed=lambda c: c.completed,
                total=lambda c: c.completed + c.in_progress + c.not_started,
            ),
        )
    context["selected_school"] = data["school"]
    context["is_office"] = permissions.can_read_all_reports(user)
    return render(request, "reports/school.html", context)


@login_required
@require(permissions.can_read_all_reports)
@require_GET
def office_dashboard(request):
    schools = selectors.report_schools(request.user)
    tracks = selectors.tracks_with_learners([s.pk for s in schools])
    form = OverviewForm(request.GET, tracks=tracks)
    if not form.is_valid():
        return render(request, "reports/office.html", {"form": form}, status=400)
    track = form.cleaned_data["track"]
    context = {"form": form, "overview": None}
    if track is not None:
        overview = selectors.office_overview(track=track, on=selectors.today())
        context.update(
            overview=overview,
            export_query=f"track={track.pk}",
            **_office_charts(overview),
        )
    return render(request, "reports/office.html", context)


def _office_charts(overview) -> dict:
    schools = [r for r in overview["schools"] if r.learners]
    note = ""
    if len(schools) > CHART_MAX_SCHOOLS:
        # A long chart helps nobody: the schools that most need a call.
        schools = sorted(schools, key=lambda r: (r.rate, r.school.code))
        schools = schools[:CHART_MAX_SCHOOLS]
        note = _("The %(count)d schools with the lowest completion rate.") % {
            "count": CHART_MAX_SCHOOLS
        }
    learners = overview["totals"].learners
    return {
        "school_chart": charts.bar_chart(
            title=_("Completion per school"),
            description=_("Share of each school's learners who completed the track."),
            bars=charts.rate_bars(
                schools,
                label=lambda r: r.school.name,
                completed=lambda r: r.completed,
                total=lambda r: r.learners,
            ),
        ),
        "school_chart_note": note,
        "course_chart": charts.bar_chart(
            title=_("Completion per course"),
            description=_("Share of the enrolled learners who completed each course."),
            bars=charts.rate_bars(
                overview["courses"],
                label=lambda r: r.track_course.course.title,
                completed=lambda r: r.completed,
                total=lambda r: r.enrolled,
            ),
        ),
        "hours_chart": charts.bar_chart(
            title=_("Hours distribution"),
            description=_("How many learners have earned what share of the hours."),
            bars=[
                charts.Bar(label, count, str(count))
                for label, count in overview["hours"]
            ],
            maximum=max([learners, 1]),
        ),
    }


def _visible_person_or_404(request, user_id):
    person = selectors.visible_person(viewer=request.user, user_id=user_id)
    if person is None:
        raise Http404
    return person


@login_required
@require_GET
def transcript(request, user_id):
    person = _visible_person_or_404(request, user_id)
    return render(
        request,
        "reports/transcript.html",
        {"t": selectors.transcript_of(person), "query": f"teacher={person.pk}"},
    )


@login_required
@require_GET
def transcript_pdf(request, user_id):
    from .pdf import transcript_pdf as render_pdf

    person = _visible_person_or_404(request, user_id)
    return content_response(
        render_pdf(selectors.transcript_of(person)),
        content_type="application/pdf",
        filename=f"transcript-{person.pk}.pdf",
        as_attachment=False,
    )


# Exports -------------------------------------------------------------------------


@login_required
@require_POST
def export(request, table):
    """Export a report table with the filters in the query string: small
    tables at once, larger ones as a job written by a worker."""
    fmt = request.POST.get("fmt", "")
    if table not in TABLES:
        raise Http404
    if fmt not in FORMATS:
        return _bad_request(request, _("Choose CSV or Excel."))
    params = clean_params(table, request.GET)
    try:
        built = build_table(table, params, request.user)
    except ValidationError as error:
        return _bad_request(request, " ".join(error.messages))
    services.export_record(
        request=request, table=table, fmt=fmt, title=built.title,
        rows=built.count, params=params,
    )  # fmt: skip
    if built.count <= _sync_limit():
        return built.response(fmt)
    job, _created = services.export_job_start(
        user=request.user, table=table, fmt=fmt, params=params,
        title=built.title, total=built.count,
    )  # fmt: skip
    return redirect("reports:export_job", pk=job.pk)


def _bad_request(request, message):
    return render(request, "reports/bad_request.html", {"message": message}, status=400)


def _own_job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@login_required
@require_GET
def export_job(request, pk):
    job = _own_job(request, pk)
    return render(
        request,
        "reports/export_job.html",
        {"job": job, "progress": _job_state(job)},
    )


def _job_state(job: ExportJob) -> dict:
    state = services.export_progress(job)
    state["download_url"] = (
        reverse("reports:export_download", args=[job.pk]) if state["done"] else None
    )
    state["finished"] = state["done"] or state["failed"]
    return state


@login_required
@require_GET
def export_job_progress(request, pk):
    return jobs.progress_response(_job_state(_own_job(request, pk)))


@login_required
@require_GET
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return field_file_response(
        job.file,
        filename=job.filename,
        content_type=CSV_TYPE if job.fmt == "csv" else XLSX_TYPE,
    )
