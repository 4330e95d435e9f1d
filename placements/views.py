"""Placements for participants, mentors and principals. Every view looks the
placement up through selectors scoped to the person asking: what they may not
see is a 404, what they may see but not do is refused by the service."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.serving import field_file_response
from people.permissions import ensure, require
from people.selectors import schools_visible_to

from . import attachments, permissions, selectors, services
from .forms import ConfirmLogForm, EvaluationForm, LogForm, ReportForm, ReturnForm
from .models import Placement

Status = Placement.Status
REPORT_MAX_CHARS = 20000


def _draft_key(pk) -> str:
    return f"placement-report:{pk}"


def refused(request, error: ValidationError) -> None:
    """Each of the error's messages, for the next page."""
    for message in error.messages:
        messages.error(request, message)


def _log_or_404(placement: Placement, log_pk: int):
    """One of the placement's (prefetched) logs."""
    log = next((lg for lg in placement.logs.all() if lg.pk == log_pk), None)
    if log is None:
        raise Http404
    return log


def _placement_or_404(request, pk) -> Placement:
    placement = selectors.placement_for(request.user, pk)
    if placement is None:
        raise Http404
    return placement


@login_required
def mine(request):
    return render(
        request,
        "placements/mine.html",
        {"placements": list(selectors.placements_of_participant(request.user))},
    )


@login_required
@require(permissions.is_mentor)
def mentees(request):
    placements = list(selectors.placements_of_mentor(request.user))
    return render(
        request,
        "placements/mentees.html",
        {
            "placements": placements,
            "waiting": sum(p.status == Status.SUBMITTED for p in placements),
        },
    )


@login_required
@require(permissions.can_view_school_placements)
def school(request):
    schools = schools_visible_to(request.user)
    return render(
        request,
        "placements/school.html",
        {"placements": list(selectors.placements_of_schools(schools))},
    )


@login_required
def detail(request, pk):
    placement = _placement_or_404(request, pk)
    user = request.user
    is_participant = permissions.can_log(user, placement)
    is_mentor = placement.mentor_id == user.pk
    is_office = permissions.can_approve_placements(user)
    logs = list(placement.logs.all())
    events = list(placement.events.all())
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "logs": logs,
            "events": events,
            "last_event": events[-1] if events else None,
            "confirmed_days": sum(log.is_confirmed for log in logs),
            "is_participant": is_participant,
            "is_mentor": is_mentor,
            "is_office": is_office,
            "can_log": is_participant and placement.status in services.EDITABLE,
            "can_confirm_days": is_mentor
            and placement.status in (Status.IN_PROGRESS, Status.SUBMITTED),
            "report_form": ReportForm(
                initial={
                    "report": request.session.pop(_draft_key(pk), placement.report)
                }
            ),
            "evaluation_form": EvaluationForm(
                initial={"rating": placement.rating, "evaluation": placement.evaluation}
            ),
            "return_form": ReturnForm(),
            "report_min": services.REPORT_MIN_CHARS,
            "hours_per_day": placement.round.programme.hours_per_placement_day,
        },
    )


def _next_day_to_log(placement):
    """The first day of the placement without a log, up to today."""
    logged = {log.date for log in placement.logs.all()}
    day = placement.starts_on
    while day in logged and day < placement.ends_on:
        day += datetime.timedelta(days=1)
    return min(day, timezone.localdate())


def _log_form_page(request, placement, form, log=None):
    return render(
        request,
        "placements/log_form.html",
        {
            "placement": placement,
            "form": form,
            "log": log,
            "max_mb": attachments.max_bytes() // (1024 * 1024),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def log_edit(request, pk, log_pk=None):
    """Write a new day's log, or change one, with its attachments; one
    transaction, so a refused file leaves the log as it was."""
    placement = _placement_or_404(request, pk)
    ensure(permissions.can_log(request.user, placement))
    log = _log_or_404(placement, log_pk) if log_pk is not None else None
    if placement.status not in services.EDITABLE:
        messages.error(
            request, _("This placement has been submitted; logs are closed.")
        )
        return redirect("placements:detail", pk=placement.pk)
    if request.method != "POST":
        initial = (
            {
                "date": log.date,
                "activities": log.activities,
                "did": log.did,
                "learned": log.learned,
            }
            if log
            else {"date": _next_day_to_log(placement)}
        )
        return _log_form_page(request, placement, LogForm(initial=initial), log)
    form = LogForm(request.POST, request.FILES)
    if not form.is_valid():
        return _log_form_page(request, placement, form, log)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            saved = services.log_save(
                placement=placement,
                actor=request.user,
                date=data["date"],
                activities=data["activities"],
                did=data["did"],
                learned=data["learned"],
                log=log,
            )
            for upload in data["files"]:
                attachments.attachment_add(log=saved, actor=request.user, upload=upload)
    except ValidationError as error:
        form.add_error(None, error)
        return _log_form_page(request, placement, form, log)
    messages.success(
        request, _("The log for %(date)s is saved.") % {"date": saved.date}
    )
    return redirect("placements:detail", pk=placement.pk)


def _act(request, placement, action, success: str):
    try:
        action()
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, success)
    return redirect("placements:detail", pk=placement.pk)


@login_required
@require_POST
def log_delete(request, pk, log_pk):
    placement = _placement_or_404(request, pk)
    log = _log_or_404(placement, log_pk)
    return _act(
        request,
        placement,
        lambda: services.log_delete(log=log, actor=request.user),
        _("The log is deleted."),
    )


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = selectors.attachment_for(request.user, pk)
    if attachment is None:
        raise Http404
    placement = attachment.log.placement
    return _act(
        request,
        placement,
        lambda: attachments.attachment_delete(
            attachment=attachment, actor=request.user
        ),
        _("The attachment is removed."),
    )


@login_required
def attachment_download(request, pk, thumbnail=False):
    """Photos open in the browser, documents download; private to those who
    may see the placement."""
    attachment = selectors.attachment_for(request.user, pk)
    if attachment is None or (thumbnail and not attachment.thumbnail):
        raise Http404
    file = attachment.thumbnail if thumbnail else attachment.file
    return field_file_response(
        file,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
        content_type="image/jpeg" if thumbnail else attachment.content_type,
        cache_control="private, max-age=3600",
    )


@login_required
@require_POST
def submit(request, pk):
    placement = _placement_or_404(request, pk)
    report = request.POST.get("report", "")
    try:
        if len(report) > REPORT_MAX_CHARS:
            raise ValidationError(
                _("Keep the reflection report under %(n)d characters.")
                % {"n": REPORT_MAX_CHARS}
            )
        services.placement_submit(
            placement=placement, actor=request.user, report=report
        )
    except ValidationError as error:
        refused(request, error)
        # Keep what was written: the form shows it again.
        request.session[_draft_key(pk)] = report[:REPORT_MAX_CHARS]
        return redirect("placements:detail", pk=pk)
    messages.success(request, _("Submitted to your mentor."))
    return redirect("placements:detail", pk=pk)


@login_required
@require_POST
def log_confirm(request, pk, log_pk):
    placement = _placement_or_404(request, pk)
    log = _log_or_404(placement, log_pk)
    form = ConfirmLogForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect("placements:detail", pk=pk)
    confirmed = form.cleaned_data["confirmed"]
    return _act(
        request,
        placement,
        lambda: services.log_confirm(
            log=log,
            actor=request.user,
            confirmed=confirmed,
            note=form.cleaned_data["note"],
        ),
        _("%(date)s confirmed.") % {"date": log.date}
        if confirmed
        else _("Confirmation of %(date)s withdrawn.") % {"date": log.date},
    )


@login_required
@require_POST
def confirm_all(request, pk):
    """The mentor confirms every logged day at once."""
    placement = _placement_or_404(request, pk)

    def confirm_every_day():
        with transaction.atomic():
            for log in placement.logs.all():
                if not log.is_confirmed:
                    services.log_confirm(
                        log=log,
                        actor=request.user,
                        confirmed=True,
                        note=log.mentor_note,
                    )

    return _act(request, placement, confirm_every_day, _("Every logged day confirmed."))


@login_required
@require_POST
def evaluate(request, pk):
    placement = _placement_or_404(request, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}：{error}")
        return redirect("placements:detail", pk=pk)
    return _act(
        request,
        placement,
        lambda: services.placement_confirm(
            placement=placement, actor=request.user, **form.cleaned_data
        ),
        _("The placement is confirmed and goes to the programme office."),
    )


@login_required
@require_POST
def return_placement(request, pk):
    placement = _placement_or_404(request, pk)
    comment = request.POST.get("comment", "")[:2000]
    return _act(
        request,
        placement,
        lambda: services.placement_return(
            placement=placement, actor=request.user, comment=comment
        ),
        _("The placement is returned to %(name)s.") % {"name": placement.participant},
    )


@login_required
@require_POST
def approve(request, pk):
    placement = _placement_or_404(request, pk)
    ensure(permissions.can_approve_placements(request.user))
    return _act(
        request,
        placement,
        lambda: services.placement_approve(placement=placement, actor=request.user),
        _("Approved: the days and credit hours are recorded."),
    )
