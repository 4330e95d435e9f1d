from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.offline import keep_offline
from people.permissions import require

from . import permissions, selectors, services
from .forms import GroupEnrolForm, ReflectionForm, draft_key
from .models import CoursePage, Enrolment, LessonPage, Track
from .models.learning import Source


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@keep_offline
def my_learning(request):
    return render(
        request, "courses/my_learning.html", selectors.my_learning(request.user)
    )


@require_POST
@login_required
def enrol(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_create(user=request.user, course=course, source=Source.SELF)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("You are enrolled in %(course)s.") % {"course": course.title}
        )
    return redirect(course.url)


@require_POST
@login_required
def withdraw(request, course_id):
    enrolment = get_object_or_404(
        Enrolment,
        user=request.user,
        course_id=course_id,
        status=Enrolment.Status.ACTIVE,
    )
    try:
        services.enrolment_withdraw(enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You have withdrawn from the course."))
    return redirect(enrolment.course.url)


@require_POST
@login_required
def lesson_complete(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.lesson_mark_complete(user=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(lesson.url)
    messages.success(request, _("Lesson completed."))
    following = (
        LessonPage.objects.live()
        .sibling_of(lesson, inclusive=False)
        .filter(path__gt=lesson.path)
        .order_by("path")
        .first()
    )
    return redirect(
        following.url if following else CoursePage.objects.parent_of(lesson).get().url
    )


@require_POST
@login_required
def reflection_submit(request, lesson_id, block_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    form = ReflectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [e for errors in form.errors.values() for e in errors]
            )
        services.reflection_submit(
            user=request.user,
            lesson=lesson,
            block_id=block_id,
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        # Keep what the teacher wrote: the lesson page puts it back in the form.
        request.session[draft_key(lesson.pk, block_id)] = request.POST.get("text", "")
    else:
        messages.success(
            request, _("Your reflection was sent to the trainer for review.")
        )
    return redirect(f"{lesson.url}#reflection-{block_id}")


@login_required
@require(permissions.can_view_tracks)
def office_tracks(request):
    tracks = Track.objects.select_related("programme").annotate(
        enrolled=Count("enrolments", distinct=True),
    )
    return render(request, "courses/office_tracks.html", {"tracks": tracks})


@login_required
@require(permissions.can_enrol_groups)
def office_track_enrol(request, track_id):
    """Choose a group, see who it is (and who does not fit the track's
    audience), then confirm."""
    track = get_object_or_404(Track, pk=track_id)
    form = GroupEnrolForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        users = list(
            services.users_for_group(**form.cleaned_data).select_related(
                "profile__school"
            )
        )
        # Confirm only the very choices that were previewed.
        choices = "|".join(str(request.POST.get(k, "")) for k in form.fields)
        if request.POST.get("confirm") == choices:
            count = services.track_enrol(
                track=track, users=users, enrolled_by=request.user
            )
            messages.success(
                request,
                _("%(count)d people newly enrolled in %(track)s.")
                % {"count": count, "track": track.name},
            )
            return redirect("courses:office_tracks")
        preview = selectors.group_enrol_preview(track=track, users=users)
        preview["choices"] = choices
    return render(
        request,
        "courses/office_track_enrol.html",
        {"track": track, "form": form, "preview": preview},
        status=400 if form.errors else 200,
    )
