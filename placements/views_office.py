"""Placements for the programme office: plan rounds, place participants,
follow every round by host school, export the list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.tabular import FORMATS, table_response
from people.permissions import ensure, require

from . import permissions, selectors, services
from .forms import OfficeFilterForm, PlanForm, RescheduleForm, RoundForm
from .models import Placement, PlacementRound
from .views import refused


@login_required
@require(permissions.can_view_all_placements)
def overview(request):
    form = OfficeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    placements = selectors.office_placements(
        placement_round=filters.get("round"),
        host_school=filters.get("host_school"),
        status=filters.get("status"),
    )
    export = request.GET.get("export")
    if export in FORMATS:
        services.placements_export_record(request=request, fmt=export, filters=filters)
        return _export(export, placements, filters.get("round"))
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "placements/office.html",
        {
            "form": form,
            "rounds": selectors.rounds_overview(),
            "placements": list(placements),
            "query": query.urlencode(),
            "can_plan": permissions.can_plan_placements(request.user),
        },
    )


EXPORT_HEADERS = [
    "研修批次", "跟岗学校", "姓名", "用户名", "所在学校", "指导教师", "研修重点",
    "开始日期", "结束日期", "状态", "日志天数", "导师确认天数", "认定天数", "评价等级",
]  # fmt: skip


def _export(fmt: str, placements, placement_round=None):
    rows = (
        [
            p.round.name,
            p.host_school.name,
            p.participant.get_full_name(),
            p.participant.username,
            getattr(getattr(p.participant, "profile", None), "school", None) or "",
            p.mentor.get_full_name(),
            p.get_focus_display(),
            p.starts_on,
            p.ends_on,
            p.get_status_display(),
            p.log_count,
            p.confirmed_count,
            p.approved_days,
            p.get_rating_display(),
        ]
        for p in placements
    )
    from django.utils import translation

    # Chinese headers, Chinese values: the file goes to the county bureau.
    with translation.override("zh-hans"):
        name = f"跟岗研修-{placement_round or '全部'}-{timezone.localdate():%Y%m%d}"
        return table_response(fmt, EXPORT_HEADERS, list(rows), name)


@login_required
@require(permissions.can_plan_rounds)
def round_create(request):
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            placement_round = services.round_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Round planned; now add participants."))
            return redirect("placements:round", pk=placement_round.pk)
    return render(
        request,
        "placements/round_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require(permissions.can_view_all_placements)
def round_detail(request, pk):
    placement_round = get_object_or_404(
        PlacementRound.objects.select_related("programme"), pk=pk
    )
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        initial={
            "starts_on": placement_round.starts_on,
            "ends_on": placement_round.ends_on,
        },
    )
    if request.method == "POST":
        ensure(permissions.can_plan_placements(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.placements_plan(
                    placement_round=placement_round,
                    participants=data["people"],
                    host_school=data["host_school"],
                    mentor=data["mentor"],
                    focus=data["focus"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(n)d participants placed at %(school)s.")
                    % {"n": len(created), "school": data["host_school"]},
                )
                return redirect("placements:round", pk=pk)
    return render(
        request,
        "placements/round_detail.html",
        {
            "round": placement_round,
            "placements": list(
                selectors.office_placements(placement_round=placement_round)
            ),
            "form": form,
            "can_plan": permissions.can_plan_placements(request.user),
            "reschedule_form": RescheduleForm(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _office_placement(pk) -> Placement:
    return get_object_or_404(Placement.objects.select_related("round"), pk=pk)


@login_required
@require(permissions.can_plan_placements)
@require_POST
def reschedule(request, pk):
    placement = _office_placement(pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter both dates."))
    else:
        try:
            services.placement_reschedule(
                placement=placement, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("The dates are changed."))
    return redirect("placements:round", pk=placement.round_id)


@login_required
@require(permissions.can_delete_placements)
@require_POST
def remove(request, pk):
    placement = _office_placement(pk)
    try:
        services.placement_delete(placement=placement, actor=request.user)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is removed from the round.") % {"name": placement.participant},
        )
    return redirect("placements:round", pk=placement.round_id)
