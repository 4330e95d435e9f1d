from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from .navigation import start_url_for
from .permissions import (
    can_view_school_staff,
    is_administrator,
    is_programme_office,
    require,
)
from .selectors import (
    host_schools_overview,
    role_of,
    schools_visible_to,
    staff_of,
    supported_schools_overview,
)


@login_required
def start(request):
    """Where each role lands after signing in."""
    return redirect(start_url_for(request.user))


@login_required
def me(request):
    user = request.user
    profile = getattr(user, "profile", None)
    context = {
        "profile": profile,
        "role": role_of(user),
        "is_administrator": is_administrator(user),
        "cohorts": user.cohorts.all(),
        "host_pairings": [],
    }
    if profile is not None and profile.school_id:
        school = profile.school
        context["host_pairings"] = (
            school.supported_pairings.select_related("supported_school")
            if school.kind == school.Kind.HOST
            else school.host_pairings.select_related("host_school")
        )
    return render(request, "people/me.html", context)


@login_required
@require(can_view_school_staff)
def school_staff(request):
    """A principal's staff list; only schools the asker may see are ever shown.
    Office staff reach any school's list from the office page."""
    schools = schools_visible_to(request.user)
    selected = None
    school_id = request.GET.get("school")
    if school_id:
        if not school_id.isdigit():
            raise Http404
        selected = schools.filter(pk=school_id).first()
        if selected is None:
            raise Http404
        schools = schools.filter(pk=selected.pk)
    staff = list(staff_of(schools))
    return render(
        request,
        "people/school_staff.html",
        {
            "staff": staff,
            "schools": list(schools_visible_to(request.user)),
            "selected": selected,
            "seed_count": sum(1 for p in staff if p.is_seed_teacher),
        },
    )


@login_required
@require(is_programme_office)
def office(request):
    return render(
        request,
        "people/office.html",
        {
            "supported_schools": supported_schools_overview(),
            "host_schools": host_schools_overview(),
        },
    )
