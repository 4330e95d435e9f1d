"""Wagtail admin views: trainers review reflections in courses they edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from people.permissions import ensure

from . import permissions, selectors, services
from .models import CoursePage


def _require_reviewer(request):
    ensure(permissions.can_review_reflections(request.user))


def reflection_queue(request):
    _require_reviewer(request)
    reflections = list(selectors.pending_reflections_for(request.user)[:200])
    return TemplateResponse(
        request,
        "courses/admin/reflection_queue.html",
        {"reflections": reflections, "page_title": _("Reflections to review")},
    )


def reflection_review(request, pk):
    _require_reviewer(request)
    reflection = get_object_or_404(
        selectors.pending_reflections_for(request.user), pk=pk
    )
    if request.method != "POST":
        lesson = reflection.lesson
        prompt = next(
            (b.value for b in lesson.body if b.id == reflection.block_id), None
        )
        return TemplateResponse(
            request,
            "courses/admin/reflection_review.html",
            {
                "reflection": reflection,
                "prompt": prompt,
                "course": CoursePage.objects.parent_of(lesson).first(),
                "page_title": _("Review reflection"),
            },
        )
    decision = request.POST.get("decision")
    if decision not in ("accept", "return"):
        raise PermissionDenied
    try:
        services.reflection_review(
            reflection=reflection,
            reviewer=request.user,
            accept=decision == "accept",
            feedback=request.POST.get("feedback", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("courses_reflection_review", pk=reflection.pk)
    messages.success(request, _("Review saved."))
    return redirect("courses_reflection_queue")
